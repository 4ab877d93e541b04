"""EmulatedTarget: the Target interface and the TUI's extras on the emulated board."""

import threading
import time

import pytest

from w65tool.board.board import Board
from w65tool.image import Image
from w65tool.target.base import TargetError
from w65tool.target.emulator import CONTEXT, EmulatedTarget

# $0080 LDA #$12 / $0082 INC A / $0083 BRA $0083
PROGRAM = bytes([0xA9, 0x12, 0x1A, 0x80, 0xFE])


@pytest.fixture
def bare():
    """A bare Mensch chip (no monitor): on-chip RAM at $0000-$01FF."""
    target = EmulatedTarget(board=Board("mensch", monitor=False))
    image = Image()
    image.put(0x0080, PROGRAM)
    target.load(image)
    return target


def test_load_reports_progress_and_places_bytes(bare):
    seen = []
    image = Image()
    image.put(0x0100, b"\x01\x02\x03")
    bare.load(image, lambda done, total: seen.append((done, total)))
    assert seen == [(0, 3), (3, 3)]
    assert bare.read_memory(0x0100, 3) == b"\x01\x02\x03"
    assert bare.verify(image) == []


def test_write_memory_that_does_not_read_back_is_an_error(bare):
    bare.write_memory(0x0010, b"\xaa")
    assert bare.read_memory(0x0010, 1) == b"\xaa"
    with pytest.raises(TargetError, match=r"Failed to write \$003000: wrote \$55"):
        bare.write_memory(0x3000, b"\x55")  # no memory there on the Mensch


def test_registers_are_the_monitors_saved_context(bare):
    bare.write_registers(pc=0x012345, a=0xBEEF, p=0x30, dbr=0x7E, s=0x01F0)
    regs = bare.read_registers()
    assert (regs.pc, regs.a, regs.p, regs.dbr, regs.s, regs.e) == (
        0x012345,
        0xBEEF,
        0x30,
        0x7E,
        0x01F0,
        None,
    )
    # the ROM's layout: A at $DF80, PC low/high/bank at $DF8C-$DF8E
    assert bare.board.bus.peek(CONTEXT) == 0xEF
    assert bare.board.bus.peek(CONTEXT + 0x0E) == 0x01


def test_step_executes_one_instruction_and_shows_the_live_cpu(bare):
    bare.jml(0x0080)
    bare.step()
    bare.step()
    regs = bare.cpu_registers()
    assert regs.pc == 0x0083 and regs.a & 0xFF == 0x13 and regs.e == 1


def test_run_for_stops_at_a_breakpoint(bare):
    bare.jml(0x0080)
    bare.breakpoints.add(0x0082)
    assert bare.run_for(seconds=1) == "breakpoint"
    assert bare.cpu_registers().pc == 0x0082
    bare.breakpoints.clear()


def test_run_for_ends_at_its_limit(bare):
    bare.jml(0x0080)
    assert bare.run_for(cycles=1000) == "cycles"
    assert not bare.running


def test_stop_from_another_thread_ends_a_run(bare):
    bare.jml(0x0080)
    result = []
    worker = threading.Thread(target=lambda: result.append(bare.run_for()))
    worker.start()
    deadline = time.monotonic() + 5
    while not bare.running and time.monotonic() < deadline:
        time.sleep(0.001)
    assert bare.running
    bare.read_registers()  # the UI thread can look while the worker runs
    bare.stop()
    worker.join(5)
    assert result == ["stop requested"] and not bare.running


def test_leds_follow_the_board(bare):
    assert set(bare.leds) >= {f"P7{n}" for n in range(8)}
