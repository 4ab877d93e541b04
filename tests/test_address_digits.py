"""A damaged address digit never starts code or writes memory at a wrong address.

The monitor acts on the sixth digit of an address prompt (`J`, `W`), and `/` and `|` echo
nothing, so the client sends each address one digit short, checks the echo, and only then
sends the last digit (`/` gets its pointer from `W`'s prompt); `G` starts at the saved PC,
set with `|P` and read back. These tests damage chosen
digits on the way to the emulated board, then run many writes over a lossy pty line.
"""

from __future__ import annotations

import os
import random

import pytest

from w65tool.board.board import Board
from w65tool.board.monitor import layout as L
from w65tool.target.base import TargetError
from w65tool.target.monitor import MonitorTarget
from w65tool.target.sim_server import LineFaults, VirtualBoard
from w65tool.target.uart_port import UartPort

STP = 0xDB
PROGRAM = 0x0200
MARK = 0x0300
# lda #$42; sta $0300; (then rtl, or bra to itself)
STORE_MARK = bytes([0xA9, 0x42, 0x8D, MARK & 0xFF, MARK >> 8])


class DamagedLine(UartPort):
    """The board's UART3 with one bit flipped in one host byte: byte `index` of what the
    host sends from the first write that starts with `lead` on."""

    def __init__(self, board: Board, lead: bytes, index: int, bit: int = 0) -> None:
        super().__init__(board)
        self.lead, self.index, self.bit = lead, index, bit
        self.writes: list[bytes] = []
        self.counted: int | None = None  # bytes sent since the lead, once it was seen
        self.damaged = False

    def write(self, data: bytes) -> int:
        sent = bytearray(data)
        if self.counted is None and data.startswith(self.lead):
            self.counted = 0
        if self.counted is not None and not self.damaged:
            at = self.index - self.counted
            if at < len(sent):
                sent[at] ^= 1 << self.bit
                self.damaged = True
            self.counted += len(sent)
        self.writes.append(bytes(sent))
        return super().write(bytes(sent))


def board_with(code: bytes) -> Board:
    """An SXB at its prompt with `code` at PROGRAM, and STP wherever else code might run."""
    board = Board("sxb")
    board.wait_for_prompt()
    board.bus.ram[0x0200:0x8000] = bytes([STP]) * 0x7E00
    board.bus.ram[MARK] = 0
    board.bus.ram[PROGRAM : PROGRAM + len(code)] = code
    board.cpu.breakpoints.clear()
    return board


def target_on(line: DamagedLine) -> MonitorTarget:
    line.timeout = 0.0
    return MonitorTarget("uart3", serial=line)


def go_and_check(line: DamagedLine, board: Board) -> None:
    """`jml(PROGRAM)` over the damaged line: the program ran from its first byte."""
    target = target_on(line)
    target.jml(PROGRAM)
    board.run(seconds=0.05)
    assert line.damaged
    assert not board.cpu.stopped  # nothing ran into the STPs around the program
    assert board.bus.ram[MARK] == 0x42
    assert board.cpu.pc == PROGRAM + len(STORE_MARK)


@pytest.mark.parametrize("digit", [2, 3, 5, 6, 7, 8])  # |P00:0200: the digits, not ID or colon
def test_go_with_a_damaged_pc_digit_is_read_back_and_repaired(digit):
    board = board_with(STORE_MARK + bytes([0x80, 0xFE]))  # then bra to itself
    line = DamagedLine(board, b"|P", digit)
    go_and_check(line, board)
    assert [w[:2] for w in line.writes].count(b"|P") == 2  # the damaged one, then the repair


@pytest.mark.parametrize(("lead", "index"), [(b"G", 0), (b"\r", 0)])
def test_go_with_a_damaged_g_or_cr_is_cancelled_and_retried(lead, index):
    # G with bit 0 flipped is F (fill); CR with bit 0 flipped is a form feed, rubbed out
    board = board_with(STORE_MARK + bytes([0x80, 0xFE]))
    line = DamagedLine(board, b"G", 0) if lead == b"G" else DamagedCr(board)
    go_and_check(line, board)
    firsts = [w[:1] for w in line.writes]
    if lead == b"G":
        assert firsts.count(b"F") == 1 and firsts.count(b"G") == 1  # F cancelled, G again
    else:
        assert firsts.count(b"G") == 2


class DamagedCr(DamagedLine):
    """The line, with bit 0 of the first CR sent right after a `G` flipped."""

    def __init__(self, board: Board) -> None:
        super().__init__(board, b"", 0)

    def write(self, data: bytes) -> int:
        if data == b"\r" and self.writes and self.writes[-1] == b"G" and not self.damaged:
            self.damaged = True
            self.writes.append(b"\x0c")
            return UartPort.write(self, b"\x0c")
        self.writes.append(bytes(data))
        return UartPort.write(self, data)


@pytest.mark.parametrize("digit", range(5))
def test_jsl_with_a_damaged_address_digit_is_cancelled_and_retried(digit):
    board = board_with(STORE_MARK + bytes([0x6B]))  # then rtl
    line = DamagedLine(board, b"J", 1 + digit)
    target = target_on(line)
    registers = target.jsl(PROGRAM, timeout=5)
    assert line.damaged
    assert [w[:1] for w in line.writes].count(b"J") == 2
    assert not board.cpu.stopped
    assert board.bus.ram[MARK] == 0x42
    assert registers.a & 0xFF == 0x42


def test_a_damaged_command_letter_never_starts_a_program():
    # W and G are one bit apart: a dump's W damaged into G must not start code at the
    # dump's first address.
    board = board_with(bytes([STP]))
    line = DamagedLine(board, b"W", 0, bit=4)
    target = target_on(line)
    assert target.read_memory(PROGRAM, 32) == bytes([STP]) * 32
    assert b"G" in [w[:1] for w in line.writes]  # the damaged W reached the board as G
    assert not board.cpu.stopped
    assert board.bus.peek(L.PCL) | board.bus.peek(L.PCH) << 8 != PROGRAM


@pytest.mark.parametrize("digit", range(6))
def test_a_write_with_a_damaged_address_digit_is_cancelled_and_retried(digit):
    board = board_with(b"")
    before = bytes(board.bus.ram[:0x8000])
    line = DamagedLine(board, b"W", 1 + digit)
    target = target_on(line)
    target.write_memory(0x0240, b"\x12\x34")
    assert line.damaged
    after = bytes(board.bus.ram[:0x8000])
    changed = [i for i in range(0x8000) if before[i] != after[i] and not 0x00 <= i < 0x0200]
    assert changed == [0x0240, 0x0241]
    assert after[0x0240:0x0242] == b"\x12\x34"


@pytest.mark.parametrize("digit", range(6))
def test_a_read_with_a_damaged_address_digit_reads_the_right_bytes(digit):
    board = board_with(b"")
    board.bus.ram[0x0240:0x0244] = b"\x01\x02\x03\x04"
    line = DamagedLine(board, b"W", 1 + digit)
    target = target_on(line)
    assert target.read_memory(0x0240, 4) == b"\x01\x02\x03\x04"
    assert line.damaged


# One seed (the run takes seconds of real line time); the long sweep is
# benchmarks/lossy_line.py.
@pytest.mark.waits
@pytest.mark.skipif(not hasattr(os, "openpty"), reason="no pseudo-terminals here")
def test_small_writes_on_a_lossy_line_land_where_asked_or_fail():
    lossy_small_writes(1, writes=6)


def lossy_small_writes(seed: int, writes: int = 12) -> int:
    """2 % of the characters each way have a bit flipped: writes are retried or fail, but no
    byte outside the ones asked for ever changes. Returns how many bytes the writes that got
    through left."""
    faults = LineFaults(corrupt=0.02, seed=seed)
    rng = random.Random(seed)
    asked: set[int] = set()  # every address a write was asked for
    wanted: dict[int, int] = {}  # what the writes that succeeded left there
    with VirtualBoard("sxb", pacing=False, faults=faults) as vb:
        with vb.lock:
            vb.board.bus.ram[0x0200:0x8000] = bytes(0x7E00)
            before = bytes(vb.board.bus.ram[0x0200:0x8000])
        with MonitorTarget(vb.port, timeout=0.1, retries=3) as target:
            for _ in range(writes):
                address = rng.randrange(0x0200, 0x7FF0)
                data = rng.randbytes(rng.randint(1, 4))
                span = range(address, address + len(data))
                asked.update(span)
                try:
                    target.write_memory(address, data)
                except TargetError:
                    # a failed write may have stored some bytes, damaged ones too, but only
                    # where it was asked to
                    for at in span:
                        wanted.pop(at, None)
                    continue
                wanted.update(zip(span, data, strict=True))
        with vb.lock:
            after = bytes(vb.board.bus.ram[0x0200:0x8000])
    assert faults.counts["corrupted"] > 0
    assert wanted, "no write got through"
    changed = {0x0200 + i for i in range(len(after)) if after[i] != before[i]}
    assert changed <= asked, [f"${at:04X}" for at in sorted(changed - asked)]
    assert {at: after[at - 0x0200] for at in wanted} == wanted
    return len(wanted)
