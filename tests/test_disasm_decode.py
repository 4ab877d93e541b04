"""The disassembler: text per mode, width tracking, size prefixes, data lines, the I/O window."""

import re
from pathlib import Path

import pytest

from w65tool.chip import IO_FIRST, IO_LAST
from w65tool.disasm import State, disassemble, disassemble_memory, to_source

GOLDEN = Path(__file__).parent / "data" / "opcodes_golden.tsv"


def _texts(code: str, org: int = 0x1000, **widths) -> list[str]:
    return [line.text for line in disassemble(bytes.fromhex(code), org, **widths)]


def _golden_rows():
    for row in GOLDEN.read_text().splitlines():
        if not row.startswith("#"):
            code, source, narrow, wide = row.split("\t")
            yield int(code, 16), source, bytes.fromhex(narrow), bytes.fromhex(wide)


def _normal(text: str) -> str:
    """Compare operands by value: `$0012` and `$12` are the same number; `asl a` is `asl`;
    `mvn #$12,#$34` is `mvn $12,$34`."""
    text = re.sub(r"^(mv[np]) #(\S+),#", r"\1 \2,", text)
    text = re.sub(r"\$([0-9A-Fa-f]+)", lambda m: str(int(m.group(1), 16)), text)
    return re.sub(r"^(\w+) a$", r"\1", text)


@pytest.mark.parametrize("wide", [False, True], ids=["8bit", "16bit"])
def test_every_opcode_reads_as_the_independent_golden_source(wide):
    # tests/data/opcodes_golden.tsv comes from 64tass and ca65, not from w65's opcode table.
    for code, source, narrow, wide_bytes in _golden_rows():
        data = wide_bytes if wide else narrow
        lines = disassemble(data, 0x8000, m8=not wide, x8=not wide)
        assert len(lines) == 1, (f"{code:02X}", [line.text for line in lines])
        assert _normal(lines[0].text) == _normal(source), f"opcode {code:02X}"


# -- operands ---------------------------------------------------------------------------------


def test_immediate_width_follows_m_and_x():
    assert _texts("A9 34 12", m8=False) == ["lda #$1234"]
    assert _texts("A9 34 12", m8=True) == ["lda #$34", ".byte $12"]  # $12 needs an operand
    assert _texts("A2 34 12", x8=False) == ["ldx #$1234"]


def test_absolute_below_0100_is_forced_absolute():
    # $0012 with a dp form of the same mnemonic: the assembler would pick dp without `.w`.
    assert _texts("AD 12 00") == ["lda.w $0012"]
    assert _texts("BD 12 00") == ["lda.w $0012,x"]
    assert _texts("BE 12 00") == ["ldx.w $0012,y"]


def test_absolute_without_a_shorter_form_has_no_prefix():
    assert _texts("B9 12 00") == ["lda $0012,y"]  # LDA has no dp,y
    assert _texts("4C 12 00") == ["jmp $0012"]
    assert _texts("F4 12 00") == ["pea $0012"]
    assert _texts("AD 34 12") == ["lda $1234"]


def test_long_below_10000_is_forced_long():
    assert _texts("AF 34 12 00") == ["lda.l $001234"]
    assert _texts("BF 34 12 00") == ["lda.l $001234,x"]
    assert _texts("AF 56 34 12") == ["lda $123456"]
    assert _texts("5C 34 12 00") == ["jml $001234"]  # JML has one form with this syntax


def test_block_move_reads_in_wdc_order():
    # 54 dst src: `mvn src,dst`
    assert _texts("54 34 12") == ["mvn #$12,#$34"]
    assert _texts("44 01 02") == ["mvp #$02,#$01"]


def test_branch_targets_are_absolute_addresses():
    lines = disassemble(bytes.fromhex("D0 FE 80 10 82 00 80"), 0x1000)
    assert [line.text for line in lines] == ["bne $1000", "bra $1014", "brl $9007"]
    assert [line.target for line in lines] == [0x1000, 0x1014, 0x9007]


def test_branch_target_wraps_within_the_program_bank():
    assert _texts("80 10", org=0x02FFF0) == ["bra $020002"]
    assert _texts("80 80", org=0x010010) == ["bra $01FF92"]


def test_static_targets_of_jumps_and_long_operands():
    lines = disassemble(bytes.fromhex("20 34 12 22 56 34 12 AD 34 12 AF 56 34 12"), 0x051000)
    assert [line.target for line in lines] == [0x051234, 0x123456, None, 0x123456]


def test_signature_bytes_and_stack_modes():
    assert _texts("00 12 02 34 42 56") == ["brk #$12", "cop #$34", "wdm #$56"]
    assert _texts("A3 05 B3 06 D4 07") == ["lda $05,s", "lda ($06,s),y", "pei ($07)"]


# -- width tracking ---------------------------------------------------------------------------


def test_rep_20_widens_a_and_sep_20_narrows_it():
    assert _texts("C2 20 A9 00 01 E2 20 A9 05") == [
        "rep #$20",
        "lda #$0100",
        "sep #$20",
        "lda #$05",
    ]


def test_rep_10_widens_index_registers_only():
    lines = disassemble(bytes.fromhex("C2 10 A0 00 01 A9 05"), 0)
    assert [line.text for line in lines] == ["rep #$10", "ldy #$0100", "lda #$05"]
    assert lines[0].state == State(m8=True, x8=False)


def test_rep_in_emulation_mode_changes_no_width():
    assert _texts("C2 30 A9 05", emulation=True) == ["rep #$30", "lda #$05"]


def test_clc_xce_enters_native_mode_and_keeps_8_bit_registers():
    lines = disassemble(bytes.fromhex("18 FB C2 30 A9 34 12"), 0, emulation=True)
    assert lines[1].state == State(m8=True, x8=True, emulation=False)
    assert lines[-1].text == "lda #$1234"


def test_sec_xce_enters_emulation_mode_with_8_bit_registers():
    lines = disassemble(bytes.fromhex("38 FB A9 05 A2 06"), 0, m8=False, x8=False)
    assert lines[1].state == State(True, True, True)
    assert [line.text for line in lines[2:]] == ["lda #$05", "ldx #$06"]


def test_sep_01_xce_counts_as_setting_carry():
    lines = disassemble(bytes.fromhex("E2 01 FB"), 0, m8=False, x8=False)
    assert lines[-1].state == State(True, True, True)


def test_plp_restores_the_widths_php_saved():
    # rep #$30, php, sep #$30, plp: the assembler's model, shared, follows the pair
    lines = disassemble(bytes.fromhex("C2 30 08 E2 30 28 A9 34 12"), 0)
    assert lines[3].state == State(m8=False, x8=False)
    assert lines[-1].text == "lda #$1234"


def test_plp_without_php_keeps_the_last_known_widths():
    assert _texts("C2 20 28 A9 34 12") == ["rep #$20", "plp", "lda #$1234"]


def test_a_subroutine_call_leaves_the_carry_unknown_for_xce():
    # sec, jsr, xce: the subroutine may return either carry, so 16-bit A stays as it was
    lines = disassemble(bytes.fromhex("38 20 00 10 FB A9 34 12"), 0, m8=False)
    assert lines[2].state == State(m8=False, x8=True)
    assert lines[-1].text == "lda #$1234"


def test_xce_with_unknown_carry_keeps_the_widths():
    lines = disassemble(bytes.fromhex("EA FB A9 34 12"), 0, m8=False)
    assert lines[1].state == State(m8=False, x8=True)
    assert lines[2].text == "lda #$1234"


# -- data and reading -------------------------------------------------------------------------


def test_truncated_instruction_at_the_end_becomes_byte_data():
    lines = disassemble(bytes.fromhex("EA AD 34"), 0x2000)
    assert [(line.address, line.text) for line in lines] == [
        (0x2000, "nop"),
        (0x2001, ".byte $AD,$34"),
    ]


def test_empty_input_gives_no_lines():
    assert disassemble(b"", 0x1000) == []


def test_bytes_beyond_24_bits_are_refused():
    with pytest.raises(ValueError):
        disassemble(b"\xea\xea", 0xFFFFFF)


def test_symbols_name_targets_and_addresses():
    symbols = {"loop": 0x1000, "PD7": 0xDF23, "ptr": 0x0012, "not.plain": 0x1234}
    code = "D0 FE AD 23 DF AD 12 00 A5 12 AD 34 12"
    assert _texts(code, symbols=symbols) == [
        "bne loop",
        "lda PD7",
        "lda.w ptr",
        "lda ptr",
        "lda $1234",
    ]


class Memory:
    """A 64 KiB bank that records every address read."""

    def __init__(self, content: dict[int, bytes]):
        self.ram = bytearray(0x10000)
        for address, data in content.items():
            self.ram[address : address + len(data)] = data
        self.touched: set[int] = set()

    def read(self, address: int, length: int) -> bytes:
        self.touched.update(range(address, address + length))
        return bytes(self.ram[address : address + length])


def test_reader_never_reads_the_io_window():
    memory = Memory({0xDEFC: bytes.fromhex("EA EA AD 00"), 0xDF80: bytes.fromhex("A9 05")})
    lines = disassemble_memory(memory.read, 0xDEFC, 6)
    assert not memory.touched & set(range(IO_FIRST, IO_LAST + 1))
    assert [line.text for line in lines[:3]] == ["nop", "nop", ".byte $AD,$00"]
    io = lines[3]
    assert (io.address, io.size, io.data, io.mnemonic) == (0xDF00, 0x80, b"", "")
    assert lines[4].address == 0xDF80 and lines[4].text == "lda #$05"


def test_reader_gives_the_lines_asked_for():
    memory = Memory({0x2000: bytes.fromhex("C2 30 A9 34 12 A2 00 01 EA")})
    lines = disassemble_memory(memory.read, 0x2000, 3)
    assert [line.text for line in lines] == ["rep #$30", "lda #$1234", "ldx #$0100"]


# -- source files -----------------------------------------------------------------------------


def test_source_restates_widths_after_rep_sep_xce():
    lines = disassemble(bytes.fromhex("C2 20 A9 34 12 18 FB"), 0x1000)
    text = to_source([(State(), lines)])
    body = [row.split(";")[0].strip() for row in text.splitlines() if row.strip()]
    assert body == [
        ".org $1000",
        ".a8",
        ".i8",
        "rep #$20",
        ".a16",
        ".i8",
        "lda #$1234",
        "clc",
        "xce",
        ".a16",
        ".i8",
    ]


def test_source_defines_labels_and_constants_for_symbols_used():
    symbols = {"start": 0x1000, "PD7": 0xDF23, "unused": 0x4000}
    lines = disassemble(bytes.fromhex("8D 23 DF 80 FB"), 0x1000, symbols=symbols)
    text = to_source([(State(), lines)], symbols=symbols)
    assert "PD7 = $DF23" in text
    assert "start:" in text and "bra start" in text
    assert "unused" not in text


def test_source_comments_carry_address_and_bytes():
    lines = disassemble(bytes.fromhex("A9 05"), 0x00B6)
    assert "; 0000B6  A9 05" in to_source([(State(), lines)])
