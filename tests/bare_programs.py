"""Programs for the bare chip (no monitor), shared by the board tests and the fixtures."""

# A bare-chip program (no monitor): timer 0 counts 1,000 cycles, its interrupt increments PD7.
BLINK = bytes([
    0x18, 0xFB,        # 0010 clc / xce
    0xC2, 0x10,        # 0012 rep #$10
    0xE2, 0x20,        # 0014 sep #$20
    0xA2, 0xE7, 0x03,  # 0016 ldx #999
    0x8E, 0x50, 0xDF,  # 0019 stx T0LL
    0xA9, 0x01,        # 001C lda #$01
    0x8D, 0x46, 0xDF,  # 001E sta TIER
    0x8D, 0x43, 0xDF,  # 0021 sta TER
    0x58,              # 0024 cli
    0xCB,              # 0025 wai
    0x80, 0xFD,        # 0026 bra $0025
    0xA9, 0x01,        # 0028 lda #$01       T0 handler
    0x8D, 0x44, 0xDF,  # 002A sta TIFR
    0xEE, 0x23, 0xDF,  # 002D inc PD7
    0x40,              # 0030 rti
])  # fmt: skip
