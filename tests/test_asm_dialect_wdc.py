"""`--compat wdc`: programs in WDC's syntax (WDC816AS, Dev65 style), with their bytes worked
out by hand from WDC's opcode table (the W65C816S data sheet, table 5-4)."""

from __future__ import annotations

import pytest

from w65tool.asm import AsmError, assemble_file, assemble_source

PROGRAM = """\
; WDC style: labels in column 1, directives without dots
*  a comment line (an asterisk in column 1)
        CHIP    65816
        PW      132
        TITLE   'test'
        PAGE
        XREF    OUTSIDE
        XDEF    START
        PUBLIC  START
MEM16   EQU     $20
COUNT   SET     1
COUNT   SET     COUNT+1
ON16    .MACRO
        LONGA   ON
        REP     #<(MEM16.OR.$10)
        .ENDM
WAIT    MACRO
LP#     DEX
        BNE     LP#
        MEND
OUT     MACRO   VAL
        .IFSAME VAL,X
        TXA
        .ELSE
        LDA     #VAL
        .ENDC
        MEND
        UDATA
        ORG     $00:0010
PTR     DS      2
FLAG    DS      1
        ENDS
        CODE
        ORG     $00:1000
START:  STZ     0,X
        STZ     <0,X
        LDA     PTR
        LDA     <PTR
        LDA     |PTR
        LDA     >PTR
        LDA     (PTR),Y
?1      DEX
        BNE     ?1
        ON16
        LDA     #$1234
        LONGA   OFF
        OUT     COUNT
        OUT     x
        WAIT
        WAIT
        REP     #$20
        LDA     #$12
MSG     DC      'A\\B',0
        WORD    HERE
HERE    EQU     *
        ENDS
        DATA
TABLE   BYTE    07,'"'
        ENDS
        END
"""

EXPECTED = [
    "9E 00 00",  # stz 0,x: a bare number is absolute
    "74 00",  # stz <0,x: < forces direct page
    "AD 10 00",  # lda PTR: absolute, though PTR is $10
    "A5 10",  # lda <PTR
    "AD 10 00",  # lda |PTR
    "AF 10 00 00",  # lda >PTR: long
    "B1 10",  # lda (PTR),y: direct page is its only form
    "CA",  # ?1 dex
    "D0 FD",  # bne ?1
    "C2 30",  # ON16: rep #$30
    "A9 34 12",  # lda #$1234: LONGA ON
    "A9 02",  # OUT COUNT: lda #2 (LONGA OFF; COUNT was set twice)
    "8A",  # OUT x: .IFSAME x,X holds (case aside): txa
    "CA D0 FD",  # WAIT: LP# dex, bne LP#: each expansion its own LP#
    "CA D0 FD",
    "C2 20",  # rep #$20: WDC's widths follow LONGA/LONGI only
    "A9 12",  # lda #$12
    "41 5C 42 00",  # 'A\\B',0: no escapes in WDC strings
    "2E 10",  # word HERE ($102E)
    "07 22",  # the DATA section follows CODE: byte 07 (decimal), '"'
]


def test_a_wdc_program_gives_the_bytes_of_wdcs_opcode_table():
    result = assemble_source(PROGRAM, "p.asm", compat="wdc")
    assert result.diagnostics == []
    assert result.image.segments() == [(0x1000, bytes.fromhex(" ".join(EXPECTED)))]
    assert (result.symbols["PTR"], result.symbols["FLAG"]) == (0x10, 0x12)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("IFLB1#  NOP", "a 'name#' label belongs in a macro"),
        ("        DL      1", "WDC's 'DL' is not supported by w65"),
        ("        CHIP    6502", "w65 assembles for the 65816 only, not '6502'"),
        ("        ENDS", "'ENDS' without an open CODE, DATA or UDATA section"),
        ("        ORG     $100:0000", "bank $100 is not 8 bits"),
    ],
)
def test_what_w65_does_not_read_of_wdc_is_a_located_error(text, message):
    with pytest.raises(AsmError) as err:
        assemble_source("        CHIP 65816\n" + text + "\n", "p.asm", compat="wdc")
    first = err.value.diagnostics[0]
    assert (first.message, first.origin.line) == (message, 2)


def test_modules_share_what_they_xdef(tmp_path):
    (tmp_path / "a.asm").write_text(
        "        XREF    SUB\n        XDEF    MAIN\n        CODE\n        ORG     $1000\n"
        "MAIN    JSR     SUB\nLOOP    BRA     LOOP\n        ENDS\n"
    )
    (tmp_path / "b.asm").write_text(
        "        XDEF    SUB\n        CODE\nSUB     LDA     #1\nLOOP    RTS\n        ENDS\n"
    )
    result = assemble_file([tmp_path / "a.asm", tmp_path / "b.asm"], compat="wdc")
    # b's CODE follows a's: jsr SUB ($1005), bra LOOP, lda #1, rts
    assert result.image.segments() == [(0x1000, bytes.fromhex("20 05 10 80 FE A9 01 60"))]
    assert (result.symbols["SUB"], result.symbols["a.LOOP"], result.symbols["b.LOOP"]) == (
        0x1005,
        0x1003,
        0x1007,
    )
