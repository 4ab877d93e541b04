"""The opcode table: complete, consistent, and matching the datasheet's counts."""

from collections import Counter

from w65tool.isa import BY_MNEMONIC_MODE, MNEMONICS, MODES, OPCODES, Width


def test_table_has_every_opcode_once():
    assert [o.code for o in OPCODES] == list(range(256))
    assert len(BY_MNEMONIC_MODE) == 256  # no (mnemonic, mode) pair names two opcodes


def test_the_92_mnemonics_of_the_65c816():
    assert len(MNEMONICS) == 92
    assert {"jml", "jsl", "brl", "per", "pei", "pea", "mvn", "mvp", "wdm", "xce"} <= MNEMONICS


def test_immediate_widths_follow_the_right_flag():
    by_flag = {o.mnemonic for o in OPCODES if o.mode.width is Width.X}
    assert by_flag == {"ldx", "ldy", "cpx", "cpy"}
    fixed = {o.mnemonic for o in OPCODES if o.mode.name == "imm8"}
    assert fixed == {"rep", "sep", "cop", "brk", "wdm"}


def test_lengths_follow_register_widths():
    lda_imm = OPCODES[0xA9]
    assert (lda_imm.length(m8=True, x8=True), lda_imm.length(m8=False, x8=True)) == (2, 3)
    ldx_imm = OPCODES[0xA2]
    assert (ldx_imm.length(m8=False, x8=True), ldx_imm.length(m8=True, x8=False)) == (2, 3)
    assert OPCODES[0x5C].length(True, True) == 4  # jml long
    assert OPCODES[0x54].length(False, False) == 3  # mvn src,dst


def test_mode_counts_match_the_datasheet_matrix():
    counts = Counter(o.mode.name for o in OPCODES)
    # Datasheet: 8 (sr,s) and 8 ((sr,s),y) opcodes, one per ALU operation.
    assert counts["sr"] == 8 and counts["sr_ind_y"] == 8
    assert counts["long"] == 10  # 8 ALU + JSL + JML
    assert counts["rel8"] == 9 and counts["rel16"] == 2
    assert counts["block"] == 2
    assert set(counts) == set(MODES)
