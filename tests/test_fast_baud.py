"""`--fast` checks what it runs: the helper is read back, the `J` address is checked."""

import pytest

from w65tool.board.board import Board
from w65tool.image import Image
from w65tool.target.base import TargetError
from w65tool.target.baud import SLED, BaudSwitch, placed_helper
from w65tool.target.monitor import MonitorTarget
from w65tool.target.uart_port import UartPort


class SixthDigitDamage(UartPort):
    """A line that turns the sixth digit of every `J` address into `digit`."""

    def __init__(self, board: Board, digit: bytes) -> None:
        super().__init__(board)
        self.digit = digit
        self.after_j = False
        self.damaged = 0

    def write(self, data: bytes) -> int:
        if self.after_j and len(data) == 1 and data != self.digit:
            data = self.digit
            self.damaged += 1
        self.after_j = data[:1] == b"J" and len(data) == 6
        return super().write(data)


def program() -> Image:
    image = Image()
    image.put(0x1000, bytes(range(200)))
    return image


def connect(serial_class=UartPort, **kw):
    board = Board("sxb")
    return board, MonitorTarget("uart3", timeout=0.2, serial=serial_class(board, **kw))


def test_the_helper_starts_with_a_sled_of_nops():
    code = placed_helper(0x0B)
    assert code[:SLED] == b"\xea" * SLED and code[SLED] == 0x08  # then PHP
    assert code[-1] == 0x6B  # RTL


def test_a_damaged_sixth_digit_lands_in_the_sled_and_still_switches():
    board, target = connect(SixthDigitDamage, digit=b"7")
    before = target.client.read_registers_checked()
    with BaudSwitch(target.client, 38400, avoid=program()):
        assert board.uart3.char_cycles() == 960
        target.load(program())
        assert target.verify(program()) == []
    assert board.uart3.char_cycles() == 3840
    assert target.link.port.damaged == 2  # there and back
    assert target.client.read_registers_checked() == before


def test_a_helper_that_does_not_read_back_is_not_run(monkeypatch):
    board, target = connect()
    place_helper = BaudSwitch._find_place

    def find_place(self):
        place = place_helper(self)
        board.bus.store(place + SLED + 5, b"\x00")  # the LDX operand, changed after the write
        return place

    monkeypatch.setattr(BaudSwitch, "_find_place", find_place)
    regs = target.client.read_registers_checked()
    refused = pytest.raises(TargetError, match=r"helper at \$0000D5 reads back .*not running")
    with refused, BaudSwitch(target.client, 38400):
        pass
    assert board.uart3.char_cycles() == 3840
    assert target.client.read_registers_checked() == regs  # no `J` was sent


def test_ctrl_c_at_the_fast_rate_leaves_the_board_there_and_says_so():
    """Switching back takes seconds of commands: Ctrl-C does not wait for it, it says where
    the board's prompt now answers."""
    board, target = connect()
    said: list[str] = []
    target.set_notice(said.append)
    with pytest.raises(KeyboardInterrupt), BaudSwitch(target.client, 38400, avoid=program()):
        assert board.uart3.char_cycles() == 960
        raise KeyboardInterrupt
    assert board.uart3.char_cycles() == 960 and target.link.port.baudrate == 38400
    assert any("stays at 38400 baud" in line for line in said)
    target.client.at_prompt = False
    target.client.sync()  # the prompt answers at the rate it was left at
