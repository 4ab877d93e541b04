"""Whole routines on the 65C816 core, checked against the same computation in Python."""

from __future__ import annotations

import random

from w65tool.cpu import CPU, FlatBus

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
        0xDB,  # 0228        stp
    ]
)

# Sum (mod 65536) and exclusive-or of the 2,048 words at $1000, in 16-bit native mode,
# results in $20 and $22.
WORDS = bytes(
    [
        0x18,  # 0200        clc
        0xFB,  # 0201        xce
        *(0xC2, 0x30),  # 0202        rep #$30
        *(0xA9, 0x00, 0x00),  # 0204        lda #0
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
        0xDB,  # 0224        stp
    ]
)


def run_program(program: bytes, data: bytes = b"") -> tuple[CPU, FlatBus]:
    bus = FlatBus()
    bus.load(0x0200, program)
    bus.load(0x1000, data)
    cpu = CPU(bus)
    cpu.pc = 0x0200
    cpu.run(10_000_000)
    assert cpu.stopped
    return cpu, bus


def test_sieve_in_emulation_mode_finds_the_primes_below_256():
    _, bus = run_program(SIEVE)
    composite = [False] * 256
    for n in range(2, 256):
        for multiple in range(2 * n, 256, n):
            composite[multiple] = True
    assert [bus.ram[0x300 + n] == 0 for n in range(2, 256)] == [
        not composite[n] for n in range(2, 256)
    ]


def test_sieve_steps_and_runs_the_same():
    stepped_cpu = CPU(FlatBus())
    stepped_cpu.bus.load(0x0200, SIEVE)
    stepped_cpu.pc = 0x0200
    while not stepped_cpu.stopped:
        stepped_cpu.step()
    ran_cpu, _ = run_program(SIEVE)
    assert stepped_cpu.cycles == ran_cpu.cycles
    assert stepped_cpu.bus.ram[0x300:0x400] == ran_cpu.bus.ram[0x300:0x400]


def test_16_bit_sum_and_xor_in_native_mode():
    data = random.Random(65816).randbytes(4096)
    words = [data[i] | data[i + 1] << 8 for i in range(0, 4096, 2)]
    xor = 0
    for word in words:
        xor ^= word
    cpu, bus = run_program(WORDS, data)
    assert bus.ram[0x20] | bus.ram[0x21] << 8 == sum(words) & 0xFFFF
    assert bus.ram[0x22] | bus.ram[0x23] << 8 == xor
    assert cpu.e == 0
