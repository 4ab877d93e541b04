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
