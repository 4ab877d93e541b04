"""`w65 run` on programs given as HEX/binary files (bare chip, so no monitor is needed)."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from w65tool.cli import main

ROOT = Path(__file__).resolve().parent.parent


def test_trace_io_prints_cycle_register_value(blink_hex, capsys):
    assert main(["run", blink_hex, "--no-monitor", "--max-cycles", "2100", "--trace-io"]) == 0
    out = capsys.readouterr().out
    rows = [line.split() for line in out.splitlines()]
    lines = [r for r in rows if len(r) == 3 and r[0].isdigit() and r[2].startswith("$")]
    writes = [(name, value) for _, name, value in lines]
    assert writes[:4] == [("T0LL", "$E7"), ("T0LH", "$03"), ("TIER", "$01"), ("TER", "$01")]
    pd7 = [int(cycle) for cycle, name, _ in lines if name == "PD7"]
    assert len(pd7) == 2 and pd7[1] - pd7[0] == 1000
    assert "w65: stopped: the run's length (--seconds or --max-cycles) was reached" in out
    assert "2,1" in out  # the cycle count in the summary


def test_json_lines_end_in_a_summary(blink_hex, capsys):
    assert main(["run", blink_hex, "--no-monitor", "--seconds", "0.01", "--json"]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    summary = records[-1]["summary"]
    assert summary["reason"] == "cycles"
    assert 36_864 <= summary["cycles"] < 36_864 + 20
    assert summary["emulated_seconds"] == pytest.approx(0.01, abs=1e-5)
    assert summary["registers"]["x"] == 999
    assert any("leds" in r for r in records[:-1])


def test_trace_prints_each_instruction(blink_hex, capsys):
    assert main(["run", blink_hex, "--no-monitor", "--max-cycles", "12", "--trace"]) == 0
    out = capsys.readouterr().out
    assert "00:0010  18" in out and "clc" in out
    assert "00:0012  C2 10" in out and "rep #$10" in out


def test_until_pc_stops_before_the_address(blink_hex, capsys):
    assert main(["run", blink_hex, "--no-monitor", "--until-pc", "00:0028", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out.splitlines()[-1])["summary"]
    assert summary["reason"] == "until"
    assert summary["registers"]["pc"] == 0x0028


def test_binary_needs_org(tmp_path, capsys):
    path = tmp_path / "p.bin"
    path.write_bytes(b"\xdb")
    assert main(["run", str(path), "--no-monitor"]) == 1
    assert "needs a load address (--org)" in capsys.readouterr().err


def test_program_outside_memory_is_one_clear_error(tmp_path, capsys):
    path = tmp_path / "p.bin"
    path.write_bytes(b"\xdb")
    assert main(["run", str(path), "--org", "9000", "--no-monitor"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("w65: error: the program writes $00:9000")
    assert "Traceback" not in err


def test_missing_file_is_one_clear_error(capsys):
    assert main(["run", "no/such.hex", "--no-monitor"]) == 1
    assert "cannot read no/such.hex" in capsys.readouterr().err


def test_ctrl_c_stops_cleanly_with_the_summary(blink_hex):
    proc = subprocess.Popen(
        [sys.executable, "-m", "w65tool", "run", blink_hex, "--no-monitor", "--realtime",
         "--seconds", "60"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    # the first lamp line reaches the pipe at once: the run (and its Ctrl-C handler) is on
    assert "on an emulated W65C265SXB" in proc.stdout.readline()
    assert proc.stdout.readline().startswith("[  0.000000 s] LEDs")
    time.sleep(0.5)
    os.kill(proc.pid, signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    assert "w65: stopped: interrupted" in out
    assert "Traceback" not in err


def test_source_is_assembled_and_its_errors_reported_in_place(tmp_path, capsys):
    source = tmp_path / "bad.asm"
    source.write_text("        .org $00B6\n        lda #1\n        jmp nowhere\n")
    assert main(["run", str(source), "--seconds", "0.01"]) == 1
    err = capsys.readouterr().err
    assert "bad.asm:3:" in err and "nowhere" in err
    assert "Traceback" not in err


def test_sample_prints_through_the_monitor(capsys):
    sample = str(ROOT / "samples" / "hello_uart.asm")
    assert main(["run", sample, "--seconds", "0.2"]) == 0
    out = capsys.readouterr().out
    assert "Hello from the W65C265!\n" in out
    assert "MENSCH ROM" not in out  # the reset banner went out before the program


@pytest.mark.parametrize("trace", [[], ["--trace"]], ids=["run", "trace"])
def test_summary_counts_instructions_exactly(blink_hex, capsys, trace):
    # 11 to the first WAI, then per T0 interrupt 6 (lda, sta, inc, rti; bra, wai): two of
    # them by cycle 2,100. Interrupt entries are not instructions.
    args = ["run", blink_hex, "--no-monitor", "--max-cycles", "2100", "--json", *trace]
    assert main(args) == 0
    summary = json.loads(capsys.readouterr().out.splitlines()[-1])["summary"]
    assert summary["instructions"] == 11 + 2 * 6


def test_text_summary_names_the_instructions(blink_hex, capsys):
    assert main(["run", blink_hex, "--no-monitor", "--max-cycles", "2100"]) == 0
    assert " 23 instructions, " in capsys.readouterr().out


class _Terminal:
    """A stream that says it is a terminal, as sys.stdout does in a person's shell."""

    def __init__(self, tty: bool) -> None:
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


@pytest.mark.parametrize(
    ("options", "tty", "paced"),
    [
        ([], True, True),  # a person watching: the lamps blink as on the board
        ([], False, False),  # a pipe or a file: as fast as possible
        (["--fast"], True, False),
        (["--realtime"], False, True),
        (["--realtime"], True, True),
        (["--fast"], False, False),
    ],
)
def test_pacing_is_real_time_on_a_terminal_unless_chosen(options, tty, paced):
    from w65tool.cli import build_parser
    from w65tool.cli.run_cmd import realtime

    args = build_parser("run").parse_args(["run", "p.hex", *options])
    assert realtime(args, _Terminal(tty)) is paced


def test_fast_and_realtime_exclude_each_other(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["run", "p.hex", "--fast", "--realtime"])
    assert exc.value.code == 2
    assert "not allowed with argument" in capsys.readouterr().err


@pytest.mark.parametrize(("options", "sleeps"), [([], False), (["--realtime"], True)])
def test_a_paced_run_waits_for_the_clock_and_a_piped_one_does_not(
    blink_hex, capsys, monkeypatch, options, sleeps
):
    from w65tool.cli import run_cmd

    waits: list[float] = []
    monkeypatch.setattr(run_cmd.time, "sleep", waits.append)
    args = ["run", blink_hex, "--no-monitor", "--seconds", "0.05", *options]
    assert main(args) == 0
    assert bool(waits) is sleeps


def test_until_pc_takes_a_label_of_a_source_file(capsys):
    sample = str(ROOT / "samples" / "led_blink.asm")
    assert main(["run", sample, "--until-pc", "delay", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out.splitlines()[-1])["summary"]
    assert summary["reason"] == "until"
    assert summary["registers"]["pc"] == 0x00D4  # delay, as `w65 asm --symbols` lists it


def test_the_live_lamp_labels_stand_apart():
    import argparse
    import io

    from w65tool.board.board import Board
    from w65tool.cli.run_cmd import Output

    args = argparse.Namespace(json=False, trace=False, trace_io=False)
    view = Output(Board("mensch"), args, io.StringIO())._lamp_view().plain
    labels = view.splitlines()[1].split()
    assert labels == ["P70", "P71", "P72", "P73", "P74", "P75", "P76", "P77", "P00", "P01"]
    lamps, names = view.splitlines()
    for i in range(10):  # each lamp above the middle letter of its name
        assert lamps[5 * i + 2] in "●○" and names[5 * i + 1 : 5 * i + 4] == labels[i]
