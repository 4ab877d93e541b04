"""Register widths: directives, rep/sep, xce, php/plp, suffixes, and labels reached twice."""

import pytest

from w65tool.asm import AsmError, assemble_source


def asm(source: str, **options):
    return assemble_source(".org $1000\n" + source + "\n", **options)


def hexbytes(result) -> str:
    return result.image.to_bin().hex(" ").upper()


def names(result) -> list[str]:
    return [d.name for d in result.diagnostics]


@pytest.mark.parametrize(
    ("directive", "expected"),
    [
        (".a8", "A9 01"),
        (".as", "A9 01"),
        (".longa off", "A9 01"),
        (".a16", "A9 01 00"),
        (".al", "A9 01 00"),
        (".longa on", "A9 01 00"),
    ],
)
def test_accumulator_width_directives(directive, expected):
    assert hexbytes(asm(f"{directive}\nlda #1")) == expected


@pytest.mark.parametrize(
    ("directive", "expected"),
    [
        (".i8", "A2 01"),
        (".xs", "A2 01"),
        (".longi off", "A2 01"),
        (".i16", "A2 01 00"),
        (".xl", "A2 01 00"),
        (".longi on", "A2 01 00"),
    ],
)
def test_index_width_directives(directive, expected):
    assert hexbytes(asm(f"{directive}\nldx #1")) == expected


def test_rep_20_widens_a():
    assert hexbytes(asm(".a8\nrep #$20\nlda #1")) == "C2 20 A9 01 00"


def test_sep_20_narrows_a():
    assert hexbytes(asm(".a16\nsep #$20\nlda #1")) == "E2 20 A9 01"


def test_rep_10_widens_x_and_y_but_not_a():
    assert hexbytes(asm(".a8\n.i8\nrep #$10\nldy #1\nlda #1")) == "C2 10 A0 01 00 A9 01"


def test_sep_30_narrows_both():
    assert hexbytes(asm(".a16\n.i16\nsep #$30\nldx #1\nlda #1")) == "E2 30 A2 01 A9 01"


def test_sec_xce_enters_emulation_with_8_bit_registers():
    assert hexbytes(asm(".a16\n.i16\nsec\nxce\nlda #1\nldx #1")) == "38 FB A9 01 A2 01"


@pytest.mark.parametrize("carry", ["clc", "sec", "adc #1"])
def test_xce_keeps_a_known_8_bit_width_whatever_the_mode(carry):
    # XCE never makes M or X 16-bit: native from emulation keeps them 1, emulation forces 1
    result = asm(f".a8\n.i8\n{carry}\nxce\nlda #1\nldx #1")
    assert hexbytes(result).endswith("FB A9 01 A2 01")
    assert names(result) == []


def test_clc_xce_from_an_unknown_mode_makes_a_16_bit_width_unknown():
    # from emulation, the registers come out 8-bit; from native, as they were
    result = asm(".a16\n.i8\nclc\nxce\nlda #1\nldx #1")
    assert hexbytes(result) == "18 FB A9 01 00 A2 01"
    assert names(result) == ["unknown-width"]


def test_xce_with_an_unknown_carry_makes_a_16_bit_width_unknown():
    result = asm(".a16\n.i8\nadc #1\nxce\nlda #1")
    assert hexbytes(result) == "69 01 00 FB A9 01 00"
    assert names(result) == ["unknown-width"]


def test_a_subroutine_call_leaves_the_carry_unknown_for_xce():
    result = asm(".a16\n.i8\nsec\njsr $2000\nxce\nlda #1")
    assert hexbytes(result).endswith("FB A9 01 00")
    assert names(result) == ["unknown-width"]


def test_clc_xce_in_known_native_mode_keeps_16_bit_widths():
    assert hexbytes(asm("sec\nxce\nclc\nxce\nrep #$30\nclc\nxce\nlda #1")).endswith("A9 01 00")


def test_clc_xce_after_emulation_gives_8_bit_native():
    assert hexbytes(asm("sec\nxce\nclc\nxce\nlda #1")) == "38 FB 18 FB A9 01"


def test_rep_in_emulation_mode_does_not_widen():
    assert hexbytes(asm("sec\nxce\nrep #$30\nlda #1")) == "38 FB C2 30 A9 01"


def test_plp_restores_the_widths_php_saved():
    assert hexbytes(asm(".a16\nphp\nsep #$20\nlda #1\nplp\nlda #1")) == "08 E2 20 A9 01 28 A9 01 00"


def test_unknown_width_assembles_16_bit_with_a_warning_naming_the_fix():
    result = asm("lda #1")
    assert hexbytes(result) == "A9 01 00"
    (warning,) = result.diagnostics
    assert warning.name == "unknown-width"
    assert ".a16" in warning.message and "rep #$20" in warning.message


def test_unknown_width_with_a_byte_selector_is_8_bit():
    assert hexbytes(asm("lda #<$1234", warnings=["no-unknown-width"])) == "A9 34"


def test_werror_makes_unknown_width_an_error():
    with pytest.raises(AsmError) as err:
        asm("lda #1", warnings=["error"])
    assert "[-Werror=unknown-width]" in err.value.render()


def test_werror_for_one_name():
    with pytest.raises(AsmError):
        asm("lda #1", warnings=["error=unknown-width"])
    assert asm("lda #1", warnings=["error=dl-size"]).diagnostics[0].severity == "warning"


def test_wno_silences_a_warning():
    assert asm("lda #1", warnings=["no-unknown-width"]).diagnostics == []


@pytest.mark.parametrize("width", [8, 16])
def test_default_width_option(width):
    result = asm("lda #1\nldx #1", default_width=width)
    assert len(result.image) == (4 if width == 8 else 6)
    assert result.diagnostics == []


def test_immediate_too_wide_for_8_bit_a_is_an_error_naming_where_a_became_8_bit():
    with pytest.raises(AsmError) as err:
        asm("sep #$20\nlda #$1234")
    text = err.value.render()
    assert "<source>:3:6: error: immediate $1234 does not fit in 8 bits: A is 8-bit here" in text
    assert "<source>:2:1: note: A became 8-bit here" in text


def test_negative_immediates_fit_their_width():
    assert hexbytes(asm(".a8\nlda #-1\n.a16\nlda #-2")) == "A9 FF A9 FE FF"


def test_suffix_overrides_and_warns_when_it_contradicts():
    result = asm(".a8\nlda.w #1")
    assert hexbytes(result) == "A9 01 00"
    assert names(result) == ["width-override"]


def test_suffix_matching_the_state_is_quiet():
    assert asm(".a8\nlda.b #1").diagnostics == []


def test_label_reached_with_two_widths_warns_naming_both_places():
    src = ".a8\nloop:\nlda #1\nrep #$20\nbra loop"
    result = asm(src)
    (warning,) = [d for d in result.diagnostics if d.name == "width-conflict"]
    assert warning.message == "'loop' is reached with an 8-bit A and with a 16-bit A"
    assert [n.origin.line for n in warning.notes] == [2, 6]


def test_label_reached_by_jsr_takes_the_callers_width():
    src = "sep #$20\njsr sub\nrep #$20\nstp\nsub:\nlda #1\nrts"
    result = asm(src)
    # sub is reached only by the jsr, with an 8-bit A; the rep before stp does not flow there
    assert hexbytes(result).endswith("A9 01 60")
    assert result.diagnostics == []


def test_fall_through_and_jump_with_different_widths_conflict():
    result = asm("sep #$20\njsr sub\nrep #$20\nsub:\nlda #1\nrts")
    assert names(result) == ["width-conflict"]


def test_widths_agreeing_at_a_label_are_quiet():
    assert asm(".a8\nloop: lda #1\nbne loop").diagnostics == []


def test_naken_compat_warns_when_its_16_bit_immediate_meets_an_8_bit_a():
    result = asm("sep #$20\nlda #1", compat="naken")
    assert hexbytes(result) == "E2 20 A9 01 00"
    assert names(result) == ["naken-width"]
