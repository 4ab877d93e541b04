"""Where the W65C265's ROM monitor (version 2.07) keeps things, and the emulated ROM's bytes.

Addresses come from WDC's published monitor source (R_RAM.ASM, E_VECTOR.H, ROM_INIT.ASM,
IRQVTRS.ASM) and the assembled listing in the same repository, so that everything a program
can observe sits where it sits on a real chip: the jump table at $E000 + 3k, the vectors, the
page-1 JML slots, the saved registers at $DF80, and the addresses of internal routines that
end up on the stack or in vectors (the `J` return, the BRK and serial handlers).

The emulated ROM holds no WDC code. Each routine is `WDM #n` where the real routine starts
(then `RTL` in the jump table), so the CPU's WDM hook runs its Python version; every other
ROM byte is $42, the WDM opcode, so a jump anywhere else stops with a clear error.
"""

from __future__ import annotations

from w65tool.chip import ROM_FIRST, ROM_LAST

ROM_BASE = ROM_FIRST
ROM_SIZE = ROM_LAST - ROM_FIRST + 1

WDM = 0x42
RTL = 0x6B
NO_CODE = WDM
"""The fill byte: executing it gives `WDM #$42`, the "no emulated code here" signature."""

# -- the jump table at $E000 (E_VECTOR.H), 3 bytes an entry, then 4-byte converters ----------
ENTRIES: tuple[str, ...] = (
    "ALTER_MEMORY",
    "BACKSPACE",
    "RESERVED",  # $E006: `JMP $E006`, a loop for ever
    "CONTROL_TONES",
    "DO_LOW_PWR_PGM",
    "DUMPREGS",
    "DUMPS28",
    "DUMP_1_LINE_TO_OUTPUT",
    "DUMP_1_LINE_TO_SCREEN",
    "DUMP_TO_OUTPUT",
    "DUMP_TO_PRINTER",
    "DUMP_TO_SCREEN",
    "DUMP_TO_SCREEN_ASCII",
    "DUMP_IT",
    "FILL_MEMORY",
    "GET_3BYTE_ADDR",
    "GET_ALARM_STATUS",
    "GET_BYTE_FROM_PC",
    "GET_CHR",
    "GET_HEX",
    "GET_PUT_CHR",
    "GET_STR",
    "GET_ADDRESS",
    "GET_E_ADDRESS",
    "GET_S_ADDRESS",
    "PUT_CHR",
    "PUT_STR",
    "READ_ALARM",
    "READ_DATE",
    "READ_TIME",
    "RESET_ALARM",
    "SBREAK",
    "SELECT_COMMON_BAUD_RATE",
    "SEND_BYTE_TO_PC",
    "SEND_CR",
    "SEND_SPACE",
    "SEND_HEX_OUT",
    "SET_ALARM",
    "SET_BREAKPOINT",
    "SET_DATE",
    "SET_TIME",
    "VERSION",
    "WR_3_ADDRESS",
    "XS28IN",
    "RESET",
)
CONVERTERS: tuple[str, ...] = (
    "ASCBIN",
    "BIN2DEC",
    "BINASC",
    "HEXIN",
    "IFASC",
    "ISDECIMAL",
    "ISHEX",
    "UPPER_CASE",
)
CONVERTER_BASE = ROM_BASE + 3 * len(ENTRIES)  # $E087

ROUTINES: dict[str, int] = {name: ROM_BASE + 3 * k for k, name in enumerate(ENTRIES)}
ROUTINES |= {name: CONVERTER_BASE + 4 * k for k, name in enumerate(CONVERTERS)}
"""Every documented ROM entry point -> its address in bank 0."""

SIGNATURE: dict[str, int] = {name: k for k, name in enumerate(ENTRIES)}
SIGNATURE |= {name: 0x30 + k for k, name in enumerate(CONVERTERS)}
"""Entry name -> the WDM signature byte of its trap."""

# -- internal routines a program can meet (addresses of the real ROM) ------------------------
RESET = 0xE0B0
ROM_START = 0xE358  # the prompt loop; the PC saved by the BRK at the end of reset
READY_RETURN = 0xE39E  # RDY: where a command called by the dispatcher returns (`U`)
SBREAK = 0xE6D6  # BRK handler, reached through the page-1 slot $0100
NMIBRK = 0xE6E4  # NMI handler, through $0104
JSL_RTL_IN = 0xE6F9  # where the RTL of a `J` program lands (JSL_RTL_IN-1 is pushed)
ENTER_LOW_POWER_MODE = 0xE65E  # `JMP (LO_PWR_JMP)`
DO_LOW_PWR = 0xE661
TODIRQ = 0xF69F  # timer 1, the time-of-day clock, through $0124
UART_RX = (0xF885, 0xF96C, 0xFAB3, 0xFC75)  # receive interrupt handler of UART n
UART_TX = (0xF8F2, 0xFA04, 0xFB4A, 0xFD08)  # transmit interrupt handler of UART n
IDLE = 0xE0A7  # in the 8 spare bytes after the converters: WAI / WDM #IDLE / BRA IDLE

INTERNAL: dict[str, int] = {
    "RESET_ENTRY": RESET,
    "ROM_START": ROM_START,
    "READY_RETURN": READY_RETURN,
    "SBREAK_ENTRY": SBREAK,
    "NMIBRK": NMIBRK,
    "JSL_RTL_IN": JSL_RTL_IN,
    "ENTER_LOW_POWER_MODE": ENTER_LOW_POWER_MODE,
    "DO_LOW_PWR": DO_LOW_PWR,
    "TODIRQ": TODIRQ,
    **{f"UART{n}_RX": a for n, a in enumerate(UART_RX)},
    **{f"UART{n}_TX": a for n, a in enumerate(UART_TX)},
}
SIGNATURE |= {name: 0x50 + k for k, name in enumerate(INTERNAL)}
SIGNATURE["IDLE"] = 0x7F
TRAP_NAME: dict[int, str] = {v: k for k, v in SIGNATURE.items()}

# -- strings in ROM (ROM_INIT.ASM) ----------------------------------------------------------
MONVER = 0xE0B7
BANNER = b"MENSCH ROM Version 2.07\r (C) Copyright 1995\rAssembled Mon Feb  6 10:03:42 1995\x00"
"""From `MONVER`, NUL-terminated; the build date is the one real boards print."""
MONVRS = MONVER + BANNER.index(b"2.07")  # $E0CA: VERSION returns it in X
MONDATE = MONVER + BANNER.index(b"Mon Feb")  # $E0ED: and this in Y
WDC_SIGNATURE_AT = MONVER + len(BANNER)  # $E106
SIGNATURE_TEXT = b"WDC"

# -- the vector table at $FF80 (IRQVTRS.ASM, addresses as assembled) --------------------------
VECTORS_NATIVE = (
    0x0128, 0x0124, 0x0120, RESET, RESET, RESET, RESET, 0x011C,  # T0-T7
    0x0118, 0x0118, 0x0118, 0x0118, 0x0118, 0x0118, 0x0114, 0x0108,  # edges, PIB, IRQB
    UART_RX[0], UART_TX[0], UART_RX[1], UART_TX[1],
    UART_RX[2], UART_TX[2], UART_RX[3], UART_TX[3],
    RESET, RESET, 0x010C, 0x0100, 0x0110, 0x0104, RESET, RESET,  # COP BRK ABORT NMI
)  # fmt: skip
"""The 32 native-mode vectors at $FF80; every emulation-mode vector ($FFC0-$FFFF) is RESET."""

# -- page 1: JML slots (MONIRQTBL), buffers ---------------------------------------------------
UBRK = 0x0100
UNMI = 0x0104
USER_CMD = 0x012C
UALRMIRQ = 0x0134
PAGE1_SLOTS = (
    SBREAK, NMIBRK, RESET, RESET, RESET, RESET, RESET, RESET, RESET, TODIRQ, RESET, RESET, RESET,
)  # fmt: skip
"""What reset writes into the 13 JML slots at $0100 (BRK, NMI, IRQB, COP, ABORT, PIB, edges,
T7, T2, T1, T0, user command `U`, user restart)."""
SLOT_SPILL = 0xC2
"""Reset copies one byte too many: the byte after the table ($C2) lands in $0134."""

ROM_IBUF = (0x0139, 0x0143, 0x014D, 0x0157)  # 10-byte input rings of UART 0-3
ROM_OBUF = (0x0161, 0x016B, 0x0175, 0x017F)  # 10-byte output rings
STR_BUF_PTR = 0x0189
STR_BUF = 0x018E
RING_SIZE = 10

# -- page 0 variables (R_RAM.ASM) --------------------------------------------------------------
SININDX3 = 0x18  # input ring: index of the last byte stored
SINEND3 = 0x1A  # index of the last byte taken
SIN_BUF3 = 0x1C
SINCNT3 = 0x1E
SIN_BLOCK = 0x00  # SININDX0..SINCNT3, 8 bytes a UART
SOUT_BLOCK = 0x20
SOUTINDX3 = 0x38  # output ring: index of the last byte sent
SOUTEND3 = 0x3A  # index of the last byte queued
SOUTBUF3 = 0x3C
SOUTCNT3 = 0x3E
SFLAG0 = 0x40
SFLAG3 = 0x43
SDATA_SI3 = 0x47
STATUS_S3 = 0x4B
INPUT_XTRL = 0x4D
OUTPUT_XTRL = 0x4E
DISPTYP = 0x53
TMPC = 0x57
WRAP = 0x59
DIFF = 0x5A
TMP0 = 0x5D  # the `/` pointer, also the dump/fill/loader address
TMP1 = 0x60
TMP2 = 0x63  # GET_3BYTE_ADDR's result
TMP4 = 0x66
TMP6 = 0x69
TMP8 = 0x6C
ERRORS = 0x6F
TEMP = 0x70
GET_CHR_JMP = 0x73
PUT_CHR_JMP = 0x75
GET_PUT_CHR_JMP = 0x77
CLR_LCD_JMP = 0x79
LO_PWR_JMP = 0x81
T_TIME = 0x83
DUMP_FLGS = 0x86
OUTBUF = 0x87
LINE_CNT = 0xAF
LINE_MAX = 0xB1
COUNT = 0xB3

# SFLAG bits
SFLG = 0x01  # input ring holds data
XONOFLG = 0x04  # XON/XOFF in use
SNDOVF = 0x08  # the host sent XOFF: output held
LASTXONOF = 0x10  # XON already sent
ECHOFF = 0x20  # set: GET_BYTE_FROM_PC echoes
SXOFFLG = 0x40  # send XOFF
SXONFLG = 0x80  # send XON

# ROM addresses stored in RAM by reset (as assembled)
ROM_GET_CHR = 0xF1B5
ROM_PUT_CHR = 0xF1BF
GET_PUT_PC_CHR = 0xF1C9
RTL_EXIT = 0xF1F2
LO_PWR_VALUE = 0xFFA2
"""Reset loads LO_PWR_JMP with `LDX DO_LOW_PWR_PGM` (no `#`): the two code bytes there,
$FFA2, an address inside the vector table. `X` and the idle power-down jump through it."""

# -- $DF80: the saved context and the clock (R_RAM.ASM) -------------------------------------
ACC = 0xDF80
XREG = 0xDF82
YREG = 0xDF84
STK_PTR = 0xDF86
DIRREG = 0xDF88
DBREG = 0xDF8A
FLGS = 0xDF8B
PCL = 0xDF8C
PCH = 0xDF8D
TPBR = 0xDF8E
SB_SENTL = 0xDF8F  # bit 0: a BRK is being served; bit 1: an NMI
DAYWK = 0xDF90  # DAYWK MONTH DAY YR HR MIN SEC
ADAYWK = 0xDF97  # the alarm, same order
DAYLIT = 0xDFA2
TODCKS = 0xDFA3
PWD_CELLS = 0xDFB3
SPEED = 0xDFB5
FLAGS = 0xDFB6
PD_TIMER = 0xDFB8
POWER_DOWN_COUNT = 1800
"""Seconds without serial traffic after which the clock interrupt enters low-power mode."""


def build_rom() -> bytearray:
    """The 8 KB at $E000-$FFFF: traps, the banner, and the vector table."""
    rom = bytearray([NO_CODE]) * ROM_SIZE

    def put(address: int, data: bytes) -> None:
        rom[address - ROM_BASE : address - ROM_BASE + len(data)] = data

    for name, address in ROUTINES.items():
        put(address, bytes([WDM, SIGNATURE[name], RTL]))
    put(ROUTINES["RESERVED"], bytes([0x4C, 0x06, 0xE0]))  # JMP $E006, as in the ROM
    for name, address in INTERNAL.items():
        put(address, bytes([WDM, SIGNATURE[name]]))
    put(IDLE, bytes([0xCB, WDM, SIGNATURE["IDLE"], 0x80, 0xFB]))  # WAI; WDM; BRA IDLE
    put(MONVER, BANNER)
    put(WDC_SIGNATURE_AT, SIGNATURE_TEXT)
    vectors = bytearray()
    for target in VECTORS_NATIVE:
        vectors += target.to_bytes(2, "little")
    vectors += RESET.to_bytes(2, "little") * 32
    put(0xFF80, bytes(vectors))
    return rom
