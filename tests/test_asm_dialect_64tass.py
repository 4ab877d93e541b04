"""`--compat 64tass`: programs in 64tass's syntax give 64tass's bytes, unchanged.

Each program is fed to 64tass (skipped, saying so, where it is not installed) and to w65;
64tass's flat binary is the oracle. What w65 does not read is a located error.
"""

from __future__ import annotations

import pytest
from peers import flat, tass

from w65tool.asm import AsmError, assemble_source

OPERANDS = """\
        .cpu "65816"
        * = $1000
start   lda #<data
        .al
        .xl
        lda #<>data             ; the low word
        ldx #`data              ; the bank byte
        lda #>`data             ; bits 8-23
        lda #<>$123456+1
        .as
        .xs
        lda #<$12FF+1           ; 64tass's < takes all to its right
        lda <data               ; the low byte, as an address
        lda >data
        lda @w $12
        lda !two & 0            ; `!` is a logical not: 1, direct page
        lda @l $12
        lda $12,b,x
        jmp $1234,k
        lda ($12,d),y
        lda $1234,b
- dex
        bne -
        beq +
        nop
+       nop
-       bra +
+       bra -
        .word -, +
+
cnt     := 1
cnt     := cnt + 1
two     = 2
        .if cnt = two
        .byte 1
        .elsif cnt = 3
        .byte 3
        .fi
        .text "a""b", 'c', "\\n"
        .null "x"
        .char -1
        .sint -2
        .lint -2
        .dint 1
        .cerror * > $2000, "too big"
        .cwarn * > $2000, "big"
data    .byte 9
"""

STRUCTURE = """\
        .cpu "65816"
        * = $2000
add     .macro a, b
        lda #\\a + \\b
lbl     nop                     ; each expansion has its own lbl
        .endm
pos     .macro
        ldx #\\1
        .endm
        #add 1, 2
        .add 3, 4
        #pos 5
blk     .block
inner   nop
        .bend
        .block
inner   nop
        .bend
        jsr sub
        lda blk.inner
        jmp sub.deep.x
sub     .proc
deep    .block
x       rts
        .bend
        rts
        .pend
        .logical $8000
here    jmp here
        .here
after   .word after
buf     .byte ?, ?
        .word ?
        .fill 3, ?
        .fill 2, $ea
        .align 4
        .byte 1
        .rept 3
        .byte 7
        .endrept
        .for i = 0, i < 4, i += 1
        .byte i * 3
        .next
        .for j := 1, j < 100, j *= 3
        .word j
        .endfor
        .dsection data
        .section data
table   .byte 9
        .send
        .comment
        lda #1
        .endc
        .autsiz
        rep #$30
        lda #$1234
        ldx #$1234
        .mansiz
        sep #$30
        lda #$1234
        .as
        .xs
        lda #$12
        ldx table
"""


STRUCTS = """\
        .cpu "65816"
        * = $1000
point   .struct xv, yv
x       .byte \\xv
y       .word \\yv
        .endstruct
empty   .struct
a       .byte ?
b       .word ?
        .ends
        lda #point.y            ; a field's offset
        lda #size(point)
        lda #size(empty)
p1      .dstruct point, 1, 2
        lda p1.y
p2      #point 3, 4
        lda p2.x
e1      .dstruct empty
        lda e1.b
        .virtual $2000
v1      .byte ?
v2      .word ?
        .endv
        lda v2
        .byte 9
"""


CASE = """\
        .cpu "65816"
        * = $1000
Add     .macro A, B             ; 64tass's names ignore case (its default)
        lda #\\a + \\B
Lbl     nop
        .endm
        #ADD 1, 2
        .add 3, 4
Point   .struct
X       .byte ?
        .ENDS
P1      .dstruct POINT
        lda p1.x
        lda #SIZE(point)
Loop    bra LOOP
        .text "AbC", 'Q'        ; but not strings and characters
        .IF 1
        .byte 1
        .FI
"""


@pytest.mark.parametrize(
    "source",
    [OPERANDS, STRUCTURE, STRUCTS, CASE],
    ids=["operands", "structure", "structs", "case"],
)
def test_64tass_programs_give_64tass_bytes(source, tmp_path):
    peer = tass(source, tmp_path)
    assert flat(tmp_path / "prog.s", compat="64tass") == peer


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (" .union", "64tass's '.union' is not supported by w65"),
        (" .dstruct nothing", "'.dstruct' takes the name of a structure defined above"),
        (' .cerror 1 < 2, "too big"', "too big"),
        (' .error "stop"', "stop"),
        (" .for i in range(3)", "'.for' is written .for i = start, condition, i += step in w65"),
        (" lda #^1", "64tass's '^' (decimal text) is not supported by w65"),
        (" lda \\1", "a macro parameter outside a macro"),
        (" .byte ?, 1", "'?' and values in one list are not supported by w65"),
        (" bne -", "there is no anonymous label 1 back of this line"),
        (
            "p .proc\n rts\n .pend",
            "'.proc p' is never referred to: 64tass leaves it out, "
            "which w65 does not do (refer to it, or write .block)",
        ),
        (" .section s\n .byte 1\n .send", "section 's' has no '.dsection' placing it"),
        (" .bend", "'.bend' without '.block' or '.proc'"),
        (" lda .sizeof(x)", "64tass's '.sizeof' is not supported by w65"),
    ],
)
def test_what_w65_does_not_read_of_64tass_is_a_located_error(text, message):
    with pytest.raises(AsmError) as err:
        assemble_source(' .cpu "65816"\n' + text + "\n", "p.s", compat="64tass")
    first = err.value.diagnostics[0]
    assert (first.message, first.origin.line) == (message, 2)
