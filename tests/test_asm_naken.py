"""Where naken_asm and WDC read the same text differently: the default, the warning, and
what --compat naken gives. Also forward references and how their sizes settle."""

import pytest

from w65tool.asm import assemble_source


def asm(source: str, **options):
    return assemble_source(".org $1000\n" + source + "\n", **options)


def hexbytes(result) -> str:
    return result.image.to_bin().hex(" ").upper()


def names(result) -> list[str]:
    return [d.name for d in result.diagnostics]


def test_mvn_bare_pair_is_source_then_destination_with_a_warning():
    result = asm("mvn $01,$02")
    assert hexbytes(result) == "54 02 01"
    assert names(result) == ["mvn-order"]


def test_mvn_bare_pair_under_naken_keeps_the_written_order():
    result = asm("mvn $01,$02", compat="naken")
    assert hexbytes(result) == "54 01 02"
    assert names(result) == []


@pytest.mark.parametrize("operands", ["#$01,#$02", "$010000,$020000", "$01FFFF,$020123"])
def test_mvp_unambiguous_forms(operands):
    result = asm(f"mvp {operands}")
    assert hexbytes(result) == "44 02 01"
    assert names(result) == []


def test_immediates_follow_the_width_by_default_and_are_16_bit_under_naken():
    assert hexbytes(asm(".a8\nlda #1")) == "A9 01"
    assert hexbytes(asm("lda #1", compat="naken")) == "A9 01 00"
    assert hexbytes(asm("lda.b #1\nlda #<$1234", compat="naken")) == "A9 01 A9 34"


def test_dl_is_four_bytes_under_naken():
    assert hexbytes(asm(".dl 1", compat="naken")) == "01 00 00 00"


def test_leading_zero_is_decimal_with_a_warning_and_octal_under_naken():
    result = asm(".db 017")
    assert hexbytes(result) == "11"
    assert names(result) == ["leading-zero"]
    assert hexbytes(asm(".db 017", compat="naken")) == "0F"


def test_equ_is_numeric_by_default_and_text_under_naken():
    result = asm("X equ 1+2\n.db X*2")
    assert hexbytes(result) == "06"
    assert names(result) == ["equ-text"]
    assert hexbytes(asm("X equ 1+2\n.db X*2", compat="naken")) == "05"


def test_forward_reference_to_page_zero_is_direct_page_by_default():
    result = asm("lda later\nlater = $12")
    assert hexbytes(result) == "A5 12"
    assert names(result) == ["forward-dp"]


def test_forward_reference_is_absolute_under_naken():
    assert hexbytes(asm("lda later\nlater = $12", compat="naken")) == "AD 12 00"


def test_backward_reference_to_page_zero_is_quietly_direct_page():
    result = asm("early = $12\nlda early")
    assert hexbytes(result) == "A5 12"
    assert result.diagnostics == []


def test_jmp_to_another_bank_becomes_jml_with_a_warning():
    result = asm("jmp $123456")
    assert hexbytes(result) == "5C 56 34 12"
    assert names(result) == ["jump-long"]
    assert names(asm("jmp $123456", compat="naken")) == []


def test_brk_and_wdm_alone_are_one_byte_and_with_a_signature_two():
    assert hexbytes(asm("brk\nwdm\nbrk #$12\nwdm #$34\ncop #$56")) == "00 42 00 12 42 34 02 56"


def test_forward_label_sizes_settle_in_extra_passes():
    # `lda target` waits for target's value; each size change moves the later labels
    src = "\n".join(
        [
            "lda target",  # $1000: absolute once target is known to be above page 0
            "lda zp",  # direct page: zp is small
            "bra skip",
            ".resb 10",
            "skip: nop",
            "target: rts",
            "zp = $10",
        ]
    )
    result = asm(src, warnings=["no-forward-dp"])
    assert result.symbols["skip"] == 0x1000 + 3 + 2 + 2 + 10
    assert result.symbols["target"] == result.symbols["skip"] + 1
    assert hexbytes(result).startswith("AD 12 10 A5 10 80 0A")


def test_forward_reference_above_64k_becomes_long():
    result = asm("lda far\n.org $123456\nfar: nop")
    assert result.image.to_bin()[:4] == bytes([0xAF, 0x56, 0x34, 0x12])


def test_forward_references_in_data_resolve():
    assert hexbytes(asm(".dw end\nend:")) == "02 10"
