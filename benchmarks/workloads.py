"""The CPU workloads, in one place: `benchmarks/cpu_speed.py` repeats them for its timings and
`tests/test_cpu_programs.py` checks what they compute. Each is loaded at $0200 and ends
where its user adds the last instruction: `stp` to stop, or a `jmp` to run again."""

from __future__ import annotations

ORIGIN = 0x0200

# A sieve of Eratosthenes over 256 flags at $0300 (flag 0 = prime), 6502 instructions only.
SIEVE = bytes(
    [
        *(0xA2, 0x00),  # 0200 start: ldx #0
        *(0xA9, 0x00),  # 0202        lda #0
        *(0x9D, 0x00, 0x03),  # 0204 clear: sta $0300,x
        0xE8,  # 0207        inx
        *(0xD0, 0xFA),  # 0208        bne clear
        *(0xA2, 0x02),  # 020A        ldx #2
        *(0xBD, 0x00, 0x03),  # 020C outer: lda $0300,x
        *(0xD0, 0x14),  # 020F        bne next
        0x8A,  # 0211        txa
        *(0x85, 0x10),  # 0212        sta $10          ; step = x
        0x18,  # 0214        clc
        *(0x65, 0x10),  # 0215        adc $10          ; first multiple: 2x
        *(0xB0, 0x0C),  # 0217        bcs next
        0xA8,  # 0219 mark:  tay
        *(0xA9, 0x01),  # 021A        lda #1
        *(0x99, 0x00, 0x03),  # 021C        sta $0300,y
        0x98,  # 021F        tya
        0x18,  # 0220        clc
        *(0x65, 0x10),  # 0221        adc $10
        *(0x90, 0xF4),  # 0223        bcc mark
        0xE8,  # 0225 next:  inx
        *(0xD0, 0xE4),  # 0226        bne outer
    ]
)
SIEVE_START = 0x0200
"""Where the sieve starts again (it clears its flags itself)."""

# Sum (mod 65536) and exclusive-or of the 2,048 words at $1000, in 16-bit native mode,
# results in $20 and $22.
WORDS = bytes(
    [
        0x18,  # 0200        clc
        0xFB,  # 0201        xce
        *(0xC2, 0x30),  # 0202        rep #$30
        *(0xA9, 0x00, 0x00),  # 0204 again: lda #0
        *(0x85, 0x20),  # 0207        sta $20
        *(0x85, 0x22),  # 0209        sta $22
        *(0xA0, 0x00, 0x00),  # 020B        ldy #0
        *(0xB9, 0x00, 0x10),  # 020E word:  lda $1000,y
        0x18,  # 0211        clc
        *(0x65, 0x20),  # 0212        adc $20
        *(0x85, 0x20),  # 0214        sta $20
        *(0xB9, 0x00, 0x10),  # 0216        lda $1000,y
        *(0x45, 0x22),  # 0219        eor $22
        *(0x85, 0x22),  # 021B        sta $22
        0xC8,  # 021D        iny
        0xC8,  # 021E        iny
        *(0xC0, 0x00, 0x10),  # 021F        cpy #$1000
        *(0xD0, 0xEA),  # 0222        bne word
    ]
)
WORDS_AGAIN = 0x0204
"""Where the word loop starts again (after the switch to native 16-bit mode)."""


def then_stop(program: bytes) -> bytes:
    """`program` ending in `stp`."""
    return program + bytes([0xDB])


def then_jump(program: bytes, address: int) -> bytes:
    """`program` ending in `jmp address`, so it runs for ever."""
    return program + bytes([0x4C, address & 0xFF, address >> 8])


# The workload set of `benchmarks/cpu_workloads.py`: programs unlike each other, in our
# assembler's syntax, loaded at ORIGIN. Each ends in `{end}`: `stp` for a test, `jmp start` for
# a benchmark. `py65` marks the 6502-compatible ones (emulation mode, no 65816 instructions),
# which py65 runs too. Their results are checked in tests/test_cpu_workloads.py.
SOURCES: dict[str, tuple[bool, str]] = {
    # Translate 256 bytes through a table and count the set bits of each with a short loop:
    # many taken branches. Bit total into $10/$11, translated bytes at $0600.
    "table": (
        True,
        """
        .org $0200
        .a8
        .i8
start:  ldx #0
        stx $10
        stx $11
byte:   lda $0500,x             ; the table: $0500[i] = i xor $5A
        lda $0400,x             ; the input byte
        tay
        lda $0500,y
        sta $0600,x
bits:   asl a
        bcc zero
        inc $10
        bne zero
        inc $11
zero:   cmp #0
        bne bits
        inx
        bne byte
        {end}
""",
    ),
    # Sum (mod 65536, into $12/$13) the 1,024 bytes from $10F0 by (dp),Y: every page of
    # them crosses a page, and so does each abs,X read.
    "pagecross": (
        True,
        """
        .org $0200
        .a8
        .i8
start:  lda #0
        sta $12
        sta $13
        lda #$f0
        sta $20
        lda #$10
        sta $21
        ldy #0
        ldx #4
page:   clc
        lda ($20),y
        adc $12
        sta $12
        bcc nc
        inc $13
nc:     iny
        bne page
        inc $21
        lda $10f0,x
        dex
        bne page
        {end}
""",
    ),
    # 16 x 16-bit multiplications by shift and add in native mode (16-bit A and X/Y).
    "mul16": (
        False,
        """
        .org $0200
        .a8
        .i8
start:  clc
        xce
        rep #$30
        .a16
        .i16
        ldx #0
next:   lda $0400,x
        sta $10                 ; multiplicand
        lda $0402,x
        sta $12                 ; multiplier
        stz $14                 ; product (low 16 bits)
        ldy #16
shift:  asl $14
        asl $12
        bcc skip
        lda $14
        clc
        adc $10
        sta $14
skip:   dey
        bne shift
        lda $14
        sta $0800,x
        inx
        inx
        inx
        inx
        cpx #$100
        bne next
        sec
        xce
        .a8
        .i8
        {end}
""",
    ),
    # A decimal counter: 2,000 BCD additions of 3 into a 4-digit sum at $10/$11.
    "decimal": (
        True,
        """
        .org $0200
        .a8
        .i8
start:  sed
        lda #0
        sta $10
        sta $11
        ldy #8
outer:  ldx #250
inner:  clc
        lda $10
        adc #$03
        sta $10
        lda $11
        adc #0
        sta $11
        dex
        bne inner
        dey
        bne outer
        cld
        {end}
""",
    ),
    # Block moves: 4 KiB forward with MVN and back with MVP, 8 times, in native mode.
    "blockmove": (
        False,
        """
        .org $0200
        .a8
        .i8
start:  clc
        xce
        rep #$30
        .a16
        .i16
        lda #8
        sta $10
again:  lda #$0fff
        ldx #$1000
        ldy #$3000
        mvn 0, 0
        lda #$0fff
        ldx #$3fff
        ldy #$5fff
        mvp 0, 0
        dec $10
        bne again
        sec
        xce
        .a8
        .i8
        {end}
""",
    ),
    # Recursive Fibonacci with JSR/RTS and the stack: fib(14) = 377 into $10/$11.
    "recursion": (
        True,
        """
        .org $0200
        .a8
        .i8
start:  lda #0
        sta $10
        sta $11
        lda #14
        jsr fib
        jmp done
fib:    cmp #2
        bcs split
        clc                     ; fib(0) = 0, fib(1) = 1: add n to the total
        adc $10
        sta $10
        bcc leaf
        inc $11
leaf:   rts
split:  sec
        sbc #1
        pha
        jsr fib
        pla
        sec
        sbc #1
        jmp fib
done:   {end}
""",
    ),
}
"""name: (6502-compatible, source)"""


def workload_source(name: str, end: str) -> str:
    """The source of workload `name` ending in `end` (`stp` or `jmp start`)."""
    return SOURCES[name][1].replace("{end}", end)


def workload_data() -> list[tuple[int, bytes]]:
    """Input data for the workload set: bytes at $0400, the table at $0500, words at $1000."""
    table = bytes(i ^ 0x5A for i in range(256))
    return [(0x0400, bytes((i * 37 + 11) & 0xFF for i in range(256))), (0x0500, table),
            (0x1000, bytes(range(256)) * 16)]  # fmt: skip
