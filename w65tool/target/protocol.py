"""What the W65C265 ROM monitor says on its serial port, and how to read it.

Everything here is a pure function or a constant, checked against WDC's published monitor
source (ROM version 2.07: `R_MAIN.ASM`, `R_DEBUG.ASM`, `R_SBREAK.ASM`, `R_SERIAL.ASM`,
`ROM_IO.ASM`), so the client in `monitor.py` and the tests share one description of the wire.

Facts from the source that matter to a host:
- The main loop echoes each command character, then prints two spaces and runs the command;
  an unknown character (a bare CR too) prints `?`. Most commands end with `CR READY CR >`;
  the return of a `J` program ends with the register display and `CR >` only.
- UART3's input and output queues are 10-byte rings that keep one slot empty: 9 characters
  wait at most; a 10th received while the monitor is busy pushes out the oldest unread one.
- The transmit interrupt sends a NUL when its queue runs dry, and the receive side sends XON
  once its queue first empties (XON/XOFF is on for UART3). Neither carries meaning: `NOISE`.
- `|` register IDs are upper case only; `|P` needs the colon (`|P00:2000`).
- `/XXXXYY` and `/BB:XXXXYY` write as soon as the second data digit arrives: no SPACE follows
  (a SPACE would reach the prompt and run the `SPACE` command). `/YY SPACE` writes at the pointer.
"""

from __future__ import annotations

import re

from w65tool.image import Image, srec_record
from w65tool.target.base import Registers

ESC = b"\x1b"
CR = b"\r"
XON = b"\x11"
"""Releases output held by an XOFF; the ROM filters it out before its input ring. A damaged
byte can arrive as XOFF ($13, one bit from `3`, `S` or ESC), so recovery starts with XON."""
ACK = 0x06
NAK = 0x15

NOISE = b"\x00\x11\x13"
"""Bytes the ROM sends for its own reasons (NUL after a burst, XON, XOFF): dropped on read."""

INPUT_QUEUE = 9
"""Characters the monitor can hold while it is busy printing (a 10-byte ring, one slot free)."""

RECORD_BYTES = 16
"""Data bytes per S2 record, as WDC's tools send."""

MAX_RECORD_BYTES = 251
"""The most the ROM's loader takes: its count byte (at most 255) covers 3 address bytes, the
data and the checksum, and it stores data bytes as they arrive, whatever their number."""

READY = b"\rREADY\r>"
PROMPT_RE = re.compile(rb"\rREADY\r>")
SYNC_REPLY_RE = re.compile(rb"\??\rREADY\r>\Z")
"""ESC's answer: `?` READY at the prompt; READY alone when ESC aborted an address prompt."""
BANNER = b"MENSCH ROM Version"
HEX = rb"[0-9A-Fa-f]"

PIPE_REPLY_RE = re.compile(
    rb"\|  ([0-9A-F]{6}) ([0-9A-F]{4}) ([0-9A-F]{4}) ([0-9A-F]{4}) ([0-9A-F]{4}) "
    rb"([0-9A-F]{4}) ([0-9A-F]{2}) ([0-9A-F]{2}) \rREADY\r>"
)
PIPE_ACK_RE = re.compile(rb"\|  ([\x06\x15])\rREADY\r>")
SLASH_REPLY_RE = re.compile(rb"/  (?:([0-9A-F]{2})|\x15)\rREADY\r>")

DISPLAY_RE = re.compile(
    rb"PCntr[^\r]*\r"
    rb"([0-9A-F]{2}):([0-9A-F]{4}) +([0-9A-F]{2}) ([0-9A-F]{2}) +([0-9A-F]{2}) ([0-9A-F]{2}) +"
    rb"([0-9A-F]{2}) ([0-9A-F]{2}) +([0-9A-F]{2}) ([0-9A-F]{2}) *\r"
    rb"\r *DirRg[^\r]*\r"
    rb" *([0-9A-F]{2}) ([0-9A-F]{2}) +([0-9A-F]{2}) ([0-9A-F]{2}) *\r"
    rb"(?:[^>]*?)\r>"
)
"""The register display after BRK, `R`, or the RTL of a `J` program, up to the `CR >` prompt."""

DUMP_RECORD_RE = re.compile(rb"S2([0-9A-F]{2})([0-9A-F]+)\r")
DUMP_END = b"S804000000FB"

PIPE_REGISTERS = {"pc": ("P", 6), "a": ("A", 4), "x": ("X", 4), "y": ("Y", 4), "s": ("S", 4)}
PIPE_REGISTERS |= {"d": ("D", 4), "p": ("F", 2), "dbr": ("B", 2)}
"""Register name -> (`|` ID, hex digits) for the host register write."""


def strip_noise(data: bytes) -> bytes:
    """`data` without the NUL, XON and XOFF bytes the ROM's serial code inserts."""
    return data.translate(None, NOISE)


def address_digits(address: int) -> bytes:
    """The 6 hex digits the monitor's address prompts take (`BB`, then `AAAA`; no colon)."""
    return f"{address & 0xFFFFFF:06X}".encode()


def address_echo(address: int) -> bytes:
    """How an address prompt echoes 6 typed digits: the monitor adds the colon."""
    return f"{address >> 16 & 0xFF:02X}:{address & 0xFFFF:04X}".encode()


def parse_pipe_registers(reply: bytes) -> Registers:
    """Registers from the reply to `|` SPACE (`PPPPPP AAAA XXXX YYYY SSSS DDDD FF BB`)."""
    m = PIPE_REPLY_RE.search(reply)
    if m is None:
        raise ValueError(f"not a register reply: {reply!r}")
    pc, a, x, y, s, d, f, b = (int(g, 16) for g in m.groups())
    return Registers(pc=pc, a=a, x=x, y=y, s=s, d=d, p=f, dbr=b)


def parse_register_display(text: bytes) -> Registers:
    """Registers from the monitor's register display (after BRK, `R`, or a `J` return)."""
    m = DISPLAY_RE.search(text)
    if m is None:
        raise ValueError(f"not a register display: {text!r}")
    v = [int(g, 16) for g in m.groups()]
    bank, pc, ah, al, xh, xl, yh, yl, sh, sl, dh, dl, f, dbk = v
    return Registers(
        pc=bank << 16 | pc,
        a=ah << 8 | al,
        x=xh << 8 | xl,
        y=yh << 8 | yl,
        s=sh << 8 | sl,
        d=dh << 8 | dl,
        p=f,
        dbr=dbk,
    )


def pipe_write_command(name: str, value: int) -> bytes:
    """The `|` command that stores one register in the saved context (`|A1234`, `|P00:2000`)."""
    ident, digits = PIPE_REGISTERS[name]
    if name == "pc":
        return f"|P{value >> 16 & 0xFF:02X}:{value & 0xFFFF:04X}".encode()
    return f"|{ident}{value & ((1 << 4 * digits) - 1):0{digits}X}".encode()


def s2_records(image: Image, record_bytes: int = RECORD_BYTES) -> list[tuple[int, bytes, bytes]]:
    """The image as S2 records: (address, payload, record line with its CR)."""
    out = []
    for start, payload in image.segments():
        for off in range(0, len(payload), record_bytes):
            chunk = payload[off : off + record_bytes]
            line = srec_record(2, start + off, chunk).encode() + CR
            out.append((start + off, chunk, line))
    return out


END_RECORD = srec_record(8, 0, b"").encode() + CR
"""`S804000000FB`: ends the monitor's S28 loader (the address in it is ignored)."""


def parse_dump_record(body_count: bytes, rest: bytes) -> tuple[int, bytes]:
    """(address, data) of one `W` dump record (`S2` + count + rest); checks the checksum."""
    count = int(body_count, 16)
    raw = bytes.fromhex((body_count + rest).decode())
    if len(raw) != count + 1 or count < 4:
        raise ValueError("record length does not match its count")
    if sum(raw) & 0xFF != 0xFF:
        raise ValueError("record checksum is wrong")
    return int.from_bytes(raw[1:4], "big"), raw[4:-1]


LOADER_REPLY_RE = re.compile(rb"(?:S  )?(?:\.([0-9]{4})|\?)")
"""A record's reply from the S28 loader: `.NNNN` (good records so far, BCD) or `?`."""


def loader_reply(buffer: bytes) -> tuple[str, int | None, int]:
    """Classify what the loader sent after a record.

    Returns (kind, count, consumed): kind `good` (count = the monitor's good-record count),
    `bad` (a `?`), `partial` (a reply may still be arriving) or `garbage` (nothing a loader
    says); `consumed` is how many bytes of `buffer` the reply took.
    """
    m = LOADER_REPLY_RE.match(buffer)
    if m is not None:
        if m.group(1) is not None:
            return "good", int(m.group(1)), m.end()
        return "bad", None, m.end()
    if _could_start_reply(buffer):
        return "partial", None, 0
    return "garbage", None, 0


def _could_start_reply(buffer: bytes) -> bool:
    """True if `buffer` is a prefix of some loader reply (`S  ` then `.NNNN` or `?`)."""
    for lead in (b"", b"S  "):
        if len(buffer) <= len(lead):
            if lead.startswith(buffer):
                return True
            continue
        tail = buffer[len(lead) :]
        digits = all(0x30 <= c <= 0x39 for c in tail[1:])
        if buffer.startswith(lead) and tail[:1] == b"." and len(tail) < 5 and digits:
            return True
    return False
