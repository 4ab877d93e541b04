"""Every opcode of the table assembles from its WDC spelling to its own bytes."""

import pytest

from w65tool import isa
from w65tool.asm import AsmError, assemble_source

ORG = 0x1000
# An operand value per mode whose bytes are easy to read back.
VALUES = {
    "dp": 0x12,
    "dp_x": 0x12,
    "dp_y": 0x12,
    "dp_ind": 0x12,
    "dp_x_ind": 0x12,
    "dp_ind_y": 0x12,
    "dp_lind": 0x12,
    "dp_lind_y": 0x12,
    "sr": 0x12,
    "sr_ind_y": 0x12,
    "abs": 0x1234,
    "abs_x": 0x1234,
    "abs_y": 0x1234,
    "abs_ind": 0x1234,
    "abs_x_ind": 0x1234,
    "abs_lind": 0x1234,
    "long": 0x123456,
    "long_x": 0x123456,
    "imm8": 0x12,
    "imm_m": 0x12,
    "imm_x": 0x12,
}


def _source_and_bytes(op: isa.Opcode) -> tuple[str, bytes]:
    mode = op.mode.name
    if mode in ("imp", "acc"):
        return op.mnemonic, bytes([op.code])
    if mode == "rel8":
        return f"{op.mnemonic} {ORG + 2 + 0x12}", bytes([op.code, 0x12])
    if mode == "rel16":
        return f"{op.mnemonic} {ORG + 3 + 0x1234}", bytes([op.code, 0x34, 0x12])
    if mode == "block":
        return f"{op.mnemonic} #$12,#$34", bytes([op.code, 0x34, 0x12])
    value = VALUES[mode]
    text = op.mode.syntax.format(f"${value:X}")
    if mode == "abs" and op.mnemonic == "pea":
        text = f"${value:X}"
    size = op.mode.size
    return f"{op.mnemonic} {text}", bytes([op.code]) + value.to_bytes(size, "little")


@pytest.mark.parametrize(
    "op", isa.OPCODES, ids=lambda o: f"{o.code:02X}-{o.mnemonic}-{o.mode.name}"
)
def test_opcode_assembles_to_its_bytes(op):
    line, expected = _source_and_bytes(op)
    result = assemble_source(f".org ${ORG:X}\n.a8\n.i8\n{line}\n")
    assert result.image.to_bin() == expected, line


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("lda #$1234", "A9 34 12"),
        ("ldx #$1234", "A2 34 12"),
        ("jmp $123456", "5C 56 34 12"),
        ("jsr $123456", "22 56 34 12"),
        ("jmp [$1234]", "DC 34 12"),
        ("asl a", "0A"),
        ("brk", "00"),
        ("wdm", "42"),
        ("pea #$1234", "F4 34 12"),
        ("lda $12,y", "B9 12 00"),
        ("mvn $7E0000,$010000", "54 01 7E"),
        ("lda.l $12", "AF 12 00 00"),
        ("lda.w $12", "AD 12 00"),
        ("lda >$12", "AF 12 00 00"),
        ("lda !$12", "AD 12 00"),
        ("lda |$12", "AD 12 00"),
        ("lda <$12", "A5 12"),
        ("lda $1234,s", None),
    ],
)
def test_wdc_spellings(line, expected):
    if expected is None:
        with pytest.raises(AsmError):
            assemble_source(f".a16\n.i16\n{line}\n")
        return
    result = assemble_source(f".a16\n.i16\n{line}\n", warnings=["no-jump-long", "no-mvn-order"])
    assert result.image.to_bin().hex(" ").upper() == expected
