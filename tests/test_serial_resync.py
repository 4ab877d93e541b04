"""How long `resync` listens, on a scripted line with its own clock (no wall-clock time).

The line's clock moves only when the client waits for bytes that are not there, so the
time a silent board costs is exact, and the steps the client sent can be counted.
"""

import pytest

from w65tool.target.base import TargetError
from w65tool.target.link import Link
from w65tool.target.monitor import INTERRUPT_BUDGET, MonitorClient
from w65tool.target.protocol import CR, END_RECORD, ESC, INPUT_QUEUE, XON
from w65tool.target.upload import ODD_COUNT_ESCAPE

READY = b"\rREADY\r>"


class ClockedLine:
    """A serial port in front of a tiny model of the monitor, on a clock of its own.

    `state` is "prompt", "record" (a half-sent S-record: the loader reads `need` more
    characters, then answers `?`), "seek" (the loader looks for the next `S`) or "silent"
    (nothing answers: a program started with G, an unplugged cable). Answers reach the host
    `latency` seconds after the byte that caused them.
    """

    baudrate = 9600

    def __init__(self, state: str, need: int = 0, latency: float = 0.0, noise: bytes = b""):
        self.now = 100.0  # not 0: `Link.last_heard` starts at 0, "never"
        self.timeout: float | None = None
        self.state = state
        self.need = need
        self.latency = latency
        self.noise = noise  # said once, to the first byte received: a line that is not silent
        self.pending: list[tuple[float, bytes]] = []
        self.writes: list[bytes] = []
        self.record = bytearray()

    def clock(self) -> float:
        return self.now

    def _say(self, data: bytes) -> None:
        self.pending.append((self.now + self.latency, data))

    def write(self, data: bytes) -> int:
        self.writes.append(data)
        if self.noise:
            self._say(self.noise)
            self.noise = b""
        for byte in data:
            self._take(bytes([byte]))
        return len(data)

    def _take(self, c: bytes) -> None:
        if c == XON or self.state == "silent":
            return
        if self.state == "prompt":
            if c in (ESC, CR):
                self._say(b"?" + READY)
        elif self.state == "record":
            self.need -= 1
            if self.need == 0:
                self._say(b"?")
                self.state = "seek"
        elif self.state == "seek":
            self.record = bytearray() if c == b"S" else self.record
            self.record += c
            if bytes(self.record) == END_RECORD:
                self._say(READY)
                self.state = "prompt"

    @property
    def in_waiting(self) -> int:
        return sum(len(d) for at, d in self.pending if at <= self.now)

    def read(self, size: int = 1) -> bytes:
        if not self.in_waiting:
            # block for the timeout, or until the next answer is due
            due = [at for at, _ in self.pending]
            self.now = min([self.now + (self.timeout or 0.0), *due])
        ready = [d for at, d in self.pending if at <= self.now]
        self.pending = [(at, d) for at, d in self.pending if at > self.now]
        return b"".join(ready)  # Link asks for all that is waiting


def client_on(line: ClockedLine) -> MonitorClient:
    link = Link(line)
    link.clock = line.clock
    return MonitorClient(link)


ONE_ROUND = [XON + ESC, CR, *[CR * INPUT_QUEUE] * 6, ODD_COUNT_ESCAPE, END_RECORD]


def test_a_silent_board_is_declared_dead_within_two_seconds():
    line = ClockedLine("silent")
    client = client_on(line)
    with pytest.raises(TargetError, match="board not answering") as err:
        client.sync()
    assert line.now - 100.0 <= 2.0
    # the probe, then one round of every way back to the prompt: nothing is left untried
    assert line.writes == [ESC, *ONE_ROUND]
    assert "reset button" in err.value.hint and "`w65 sim`: stop it" in err.value.hint


def test_a_half_sent_record_is_still_finished_and_left():
    line = ClockedLine("record", need=2 * 16 + 10)
    client = client_on(line)
    client.sync()
    assert client.at_prompt and line.state == "prompt"
    assert END_RECORD in line.writes and line.writes[-1] == ESC


def test_late_answers_are_still_heard_in_the_fast_round():
    # a USB adapter that holds every answer back 0.2 s: the loader's `?` to a CR burst
    # arrives while later steps are already on their way
    line = ClockedLine("record", need=2 * 16 + 10, latency=0.2)
    client = client_on(line)
    client.sync()
    assert client.at_prompt and line.state == "prompt"


def test_a_loader_waiting_for_s_answers_only_the_last_step():
    line = ClockedLine("seek", latency=0.1)
    client = client_on(line)
    client.sync()
    assert line.state == "prompt"
    assert line.writes[: len(ONE_ROUND) + 1] == [ESC, *ONE_ROUND]


def test_a_line_that_says_something_gets_a_careful_second_round():
    line = ClockedLine("silent", noise=b"\xfe\xfe")  # a wrong baud rate, say
    client = client_on(line)
    with pytest.raises(TargetError, match="board not answering"):
        client.sync()
    assert line.writes == [ESC, *ONE_ROUND, *ONE_ROUND]


@pytest.mark.parametrize("in_loader", [True, False])
def test_the_clean_up_after_ctrl_c_keeps_to_its_budget(in_loader):
    line = ClockedLine("silent")
    client = client_on(line)
    said = []
    client.notice = said.append
    client.in_loader = in_loader
    client.stop_after_interrupt()
    assert line.now - 100.0 <= INTERRUPT_BUDGET + 0.05  # one poll past the cutoff at most
    assert not client.at_prompt and "did not return to its prompt within 0.8 s" in said[-1]


def test_ctrl_c_in_the_loader_finishes_with_the_s8_record():
    line = ClockedLine("seek", latency=0.05)
    client = client_on(line)
    client.in_loader = True
    client.stop_after_interrupt()
    assert client.at_prompt and line.writes == [END_RECORD, ESC]
