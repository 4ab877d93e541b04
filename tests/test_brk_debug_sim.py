"""Breakpoints, step and continue by BRK through the monitor of `w65 sim` (a pty, end to end)."""

import os
from pathlib import Path

import pytest

from w65tool.asm import assemble_source
from w65tool.program import read_program
from w65tool.target.base import TargetError
from w65tool.target.monitor import MonitorTarget
from w65tool.target.sim_server import VirtualBoard

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs pseudo-terminals")

COUNTER = """
 .org $1000
start: rep #$30
 ldx #0
loop: inx
 cpx #3
 bne loop
 jsr sub
 nop
done: bra done
sub: lda #$1234
 rts
"""


def memory(vb, address, length):
    with vb.lock:
        return bytes(vb.board.bus.peek(address + i) for i in range(length))


@pytest.fixture
def board():
    """A `w65 sim` board and a `MonitorTarget` on its pty."""
    with VirtualBoard("sxb", pacing=False) as vb, MonitorTarget(vb.port) as target:
        yield vb, target


def load(target, source):
    result = assemble_source(source, include_dirs=(str(ROOT / "asm"),))
    target.load(result.image)
    return result.image, dict(result.symbols)


def test_a_breakpoint_in_a_subroutine_stops_the_program_there(board):
    vb, target = board
    image, sym = load(target, COUNTER)
    target.breakpoints.add(sym["sub"])
    target.jml(sym["start"])
    assert memory(vb, sym["sub"], 1) == b"\x00"  # the BRK is in memory while it runs
    assert target.run_for(seconds=5) == "breakpoint"
    regs = target.cpu_registers()
    assert regs.pc == sym["sub"]  # BRK's PC + 2, set back to the breakpoint
    assert regs.x == 3 and regs.s == 0x01FD  # after the loop, inside the JSR
    assert target.read_memory(sym["sub"], 3) == image.to_bin()[sym["sub"] - 0x1000 :][:3]
    assert target.debugger.armed == {}


def test_continue_from_a_breakpoint_stops_there_again_on_the_next_pass(board):
    vb, target = board
    _, sym = load(target, COUNTER)
    target.breakpoints.add(sym["loop"])
    target.jml(sym["start"])
    seen = []
    for _ in range(3):
        assert target.run_for(seconds=5) == "breakpoint"
        regs = target.cpu_registers()
        seen.append((regs.pc, regs.x))
    assert seen == [(sym["loop"], 0), (sym["loop"], 1), (sym["loop"], 2)]
    assert memory(vb, sym["loop"], 1) == b"\xe8"  # INX, restored at each break


def test_step_over_a_branch_goes_both_ways(board):
    _, sym = load(target := board[1], COUNTER)
    target.breakpoints.add(sym["loop"])
    target.jml(sym["start"])
    assert target.run_for(seconds=5) == "breakpoint"
    target.breakpoints.clear()
    pcs = []
    for _ in range(3):  # INX, CPX, BNE (taken: X is 1)
        target.step()
        pcs.append(target.cpu_registers().pc)
    assert pcs == [sym["loop"] + 1, sym["loop"] + 4, sym["loop"]]
    for _ in range(6):  # twice more round the loop, to the untaken BNE
        target.step()
    assert target.cpu_registers().pc == sym["loop"] + 6  # falls through to the JSR
    target.step()
    assert target.cpu_registers().pc == sym["sub"]  # into the subroutine
    target.step()
    target.step()  # RTS: the return address read from the stack
    assert target.cpu_registers().pc == sym["loop"] + 9


def test_removing_a_breakpoint_leaves_the_original_bytes_and_the_program_runs_on(board):
    vb, target = board
    image, sym = load(target, COUNTER)
    target.breakpoints.update({sym["loop"], sym["sub"]})
    target.jml(sym["start"])
    assert target.run_for(seconds=5) == "breakpoint"
    target.breakpoints.discard(sym["loop"])
    assert target.run_for(seconds=5) == "breakpoint"
    assert target.cpu_registers().pc == sym["sub"]
    target.breakpoints.clear()
    assert target.run_for(seconds=0.3) == "cycles"  # `done: bra done` for ever
    assert memory(vb, 0x1000, len(image)) == image.to_bin()


def test_a_breakpoint_in_a_sample_program_and_its_own_brk(board):
    target = board[1]
    program = read_program(ROOT / "samples" / "hello_uart.asm", include_dirs=[ROOT / "asm"])
    target.load(program.image)
    put = program.symbols["start"] + 9  # the JSL PUT_STR, after SEP, REP, LDA #, LDX #
    target.breakpoints.add(put)
    target.jml(program.symbols["start"])
    assert target.run_for(seconds=5) == "breakpoint"
    assert target.cpu_registers().pc == put
    with pytest.raises(TargetError, match="ROM"):
        target.step()  # into PUT_STR: no BRK can go there
    target.breakpoints.clear()
    assert target.run_for(seconds=5) == "brk"  # the sample's own BRK at its end
    assert b"Hello from the W65C265!" in target.console_read(0)
    assert target.cpu_registers().pc == put + 6  # BRK + 2, as the monitor saved it


def test_a_breakpoint_in_rom_is_refused_and_nothing_is_left_behind(board):
    vb, target = board
    _, sym = load(target, COUNTER)
    target.breakpoints.update({sym["sub"], 0x00E04B})
    target.write_registers(pc=sym["start"])
    with pytest.raises(TargetError, match="00:E04B") as err:
        target.run_for(seconds=1)
    assert "ROM" in str(err.value)
    assert target.debugger.armed == {} and not target.running
    assert memory(vb, sym["sub"], 1) == b"\xa9"


def test_while_the_program_runs_other_commands_are_refused_with_a_reason(board):
    _, sym = load(target := board[1], COUNTER)
    target.jml(sym["done"])
    with pytest.raises(TargetError, match="program is running"):
        target.read_memory(0x1000, 4)


CALLS = """
 .org $1000
start: sep #$20
 rep #$10
 lda #'*'
 jsl $E04B          ; PUT_CHR, in the ROM
 jsl twice
 ldx #2
 jmp (table-2,x)
table: .word there
there: nop
done: bra done
twice: asl a
 rtl
"""


def stopped_at_the_rom_call(target) -> tuple[dict[str, int], int]:
    """CALLS loaded and run to its JSL into the ROM: (its symbols, that JSL's address)."""
    _, sym = load(target, CALLS)
    jsl_rom = sym["start"] + 6
    target.breakpoints.add(jsl_rom)
    target.jml(sym["start"])
    assert target.run_for(seconds=5) == "breakpoint"
    return sym, jsl_rom


def test_step_follows_jsl_rtl_and_an_indexed_jump(board):
    _, target = board
    sym, jsl_rom = stopped_at_the_rom_call(target)
    target.breakpoints.clear()
    with pytest.raises(TargetError, match="ROM"):
        target.step()
    target.write_registers(pc=jsl_rom + 4)  # past the ROM call
    pcs = []
    for _ in range(5):  # JSL twice, ASL, RTL, LDX, JMP (table,X)
        target.step()
        pcs.append(target.cpu_registers().pc)
    assert pcs == [sym["twice"], sym["twice"] + 1, jsl_rom + 8, jsl_rom + 11, sym["there"]]


def test_session_step_over_runs_a_rom_call_through_to_its_return(board):
    from w65tool.tui.listing import instruction_at
    from w65tool.tui.session import Session

    _, target = board
    _, jsl_rom = stopped_at_the_rom_call(target)
    session = Session(target)
    assert session.by_brk

    def line_at(t, regs):
        line = instruction_at(t.read_memory, regs.pc, regs.p, regs.e)
        return line.mnemonic, line.size

    session.step_over(line_at)
    halted, printed = None, b""
    for _ in range(100):
        result = session.pump()
        printed += result.console
        if result.halted:
            halted = result.halted
            break
    assert halted == "step over"
    assert b"*" in printed  # PUT_CHR ran on the board
    assert session.registers().registers.pc == jsl_rom + 4
    assert target.breakpoints == {jsl_rom} and target.debugger.armed == {}


def test_a_brk_in_emulation_mode_restarts_the_monitor_and_the_brks_are_taken_out(board):
    vb, target = board
    _, sym = load(target, " .org $1000\nstart: sec\n xce\n brk #0\n nop\nlater: nop\n")
    target.breakpoints.add(sym["later"])
    target.jml(sym["start"])
    assert target.run_for(seconds=5) == "reset"  # emulation-mode BRK: the vector is RESET
    assert memory(vb, sym["later"], 1) == b"\xea" and target.debugger.armed == {}
    assert target.read_registers().pc == 0x00E358  # the monitor's idle context again


def test_what_a_running_program_prints_reaches_the_console_whole(board):
    _, target = board
    source = " .org $1000\nstart: sep #$20\n rep #$10\n lda #0\n ldx #text\n jsl $E04E\n"
    source += 'done: bra done\nunused: nop\ntext: .asciiz "ok\\r"\n'
    _, sym = load(target, source)
    target.breakpoints.add(sym["unused"])
    target.jml(sym["start"])
    printed = b""
    for _ in range(200):  # each read waits up to 0.05 s for the first byte
        printed += target.console_read(0.05)
        if printed.endswith(b"ok\r"):
            break
    assert printed.endswith(b"ok\r")
    assert target.running


def test_the_port_opened_again_knows_the_brks_a_running_program_still_has(board):
    vb, target = board
    source = " .org $1000\nstart: sep #$20\n jsl $E036\nafter: nop\ndone: bra done\n"
    _, sym = load(target, source)  # waits for a key (GET_CHR), then reaches `after`
    target.breakpoints.add(sym["after"])
    target.jml(sym["start"])
    target.close()  # the line goes; the program waits on with its BRK in memory
    again = MonitorTarget(vb.port)
    try:
        again.debugger.adopt(target.debugger)
        assert again.running and again.debugger.armed == {sym["after"]: 0xEA}
        again.console_write(b"k")
        assert again.run_for(seconds=5) == "breakpoint"
        assert again.cpu_registers().pc == sym["after"]
        assert memory(vb, sym["after"], 1) == b"\xea"
    finally:
        again.close()
