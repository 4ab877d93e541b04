"""The CPU workload set of the speed benchmark: programs unlike each other, in our
assembler's syntax. Each runs for ever from `start` (a `jmp start` closes its loop), so a
benchmark can time any number of instructions; `six502` says whether py65 runs it too."""

from __future__ import annotations

from dataclasses import dataclass

from w65tool.asm import assemble_source

DATA = 0x1000  # 4 KiB of input bytes 0..255 repeated, loaded by the benchmark


@dataclass(frozen=True)
class Workload:
    name: str
    six502: bool  # 6502 instructions only, no 65816 state: py65 runs it too
    source: str


WORKLOADS = (
    Workload(
        "bit counts: short loops, taken branches",
        True,
        """
start:  ldx #0
byte:   lda $1000,x
        ldy #0
bits:   lsr a
        bcc zero
        iny
zero:   cmp #0
        bne bits
        tya
        sta $1200,x
        inx
        bne byte
        jmp start
""",
    ),
    Workload(
        "table lookups: translate 256 bytes",
        True,
        """
start:  ldx #0
next:   ldy $1000,x
        lda $1100,y
        eor #$5A
        sta $1300,x
        inx
        bne next
        jmp start
""",
    ),
    Workload(
        "page-crossing indexed copy",
        True,
        """
start:  lda #$F8
        sta $20
        lda #$10
        sta $21
        ldy #0
copy:   lda $10F0,y
        sta $12F0,y
        lda ($20),y
        sta $14F8,y
        iny
        bne copy
        jmp start
""",
    ),
    Workload(
        "decimal counters",
        True,
        """
start:  sed
        ldx #0
count:  clc
        lda $20
        adc #$01
        sta $20
        lda $21
        adc #$00
        sta $21
        sec
        lda $22
        sbc #$03
        sta $22
        dex
        bne count
        cld
        jmp start
""",
    ),
    Workload(
        "JSR/RTS recursion (Fibonacci calls)",
        True,
        """
start:  ldx #$FF
        txs
        lda #10
        jsr fib
        jmp start
fib:    cmp #2
        bcc leaf
        pha
        sec
        sbc #1
        jsr fib
        pla
        pha
        sec
        sbc #2
        jsr fib
        pla
        rts
leaf:   inc $30
        rts
""",
    ),
    Workload(
        "16-bit native arithmetic",
        False,
        """
        clc
        xce
        rep #$30
        .a16
        .i16
start:  lda #0
        sta $20
        ldy #0
word:   lda $1000,y
        clc
        adc $20
        asl a
        sta $20
        eor $1800,y
        sbc #$1234
        sta $22
        iny
        iny
        cpy #$0800
        bne word
        jmp start
""",
    ),
    Workload(
        "MVN/MVP block moves",
        False,
        """
        clc
        xce
        rep #$30
        .a16
        .i16
start:  lda #$07FF
        ldx #$1000
        ldy #$2000
        mvn $00,$00
        lda #$07FF
        ldx #$27FF
        ldy #$37FF
        mvp $00,$00
        jmp start
""",
    ),
)


def assemble(workload: Workload, origin: int = 0x0200) -> tuple[bytes, int]:
    """(code, start address) of `workload` placed at `origin`, 8-bit widths at its start."""
    text = f"        .org ${origin:04X}\n        .a8\n        .i8\n{workload.source}"
    result = assemble_source(text, f"<{workload.name}>")
    (address, code), *rest = result.image.segments()
    assert address == origin and not rest
    return code, result.symbols["start"]
