"""How a user-facing error is printed: `w65: error: ...`, or `file:line:col: error: ...`."""

from __future__ import annotations

from pathlib import Path

import pytest

from w65tool.asm import read_symbol_file
from w65tool.errors import LocatedError, W65Error
from w65tool.target.config import load_settings


def test_a_plain_error_is_prefixed_with_the_program_name():
    err = W65Error("no port given", hint="pass --port")
    assert err.render() == "w65: error: no port given\nw65: hint: pass --port"


def test_a_located_error_leads_with_its_place_and_says_error_once():
    err = LocatedError("prog.hex:3:1", "not an Intel HEX record", hint="is it source?")
    assert err.message == "prog.hex:3:1: error: not an Intel HEX record"
    assert err.render() == "prog.hex:3:1: error: not an Intel HEX record\nw65: hint: is it source?"


def test_a_bad_symbol_file_line_is_located(tmp_path):
    path = tmp_path / "prog.sym"
    path.write_text("start = $1000\nstart $1000\n")
    with pytest.raises(LocatedError) as caught:
        read_symbol_file(path)
    assert caught.value.render() == f"{path}:2:1: error: not a 'name = value' line"


def test_a_bad_settings_file_is_located_at_its_line_and_column(tmp_path):
    (tmp_path / "w65.toml").write_text("baud = 9600\nport = \n")
    with pytest.raises(LocatedError) as caught:
        load_settings(cwd=tmp_path, env={})
    assert caught.value.render() == f"{tmp_path / 'w65.toml'}:2:8: error: Invalid value"


# -- the shapes of the first hour's mistakes -------------------------------------------------
@pytest.mark.parametrize(
    "argv",
    [
        ["asm", "{path}"],
        ["dis", "{path}"],
        ["run", "{path}"],
        ["load", "{path}", "--sim"],
        ["sim", "{path}"],
        ["tui", "--sim", "{path}"],
        ["asm", "{asm}", "--compat", "ca65", "--cfg", "{path}"],
    ],
    ids=["asm", "dis", "run", "load", "sim", "tui", "cfg"],
)
@pytest.mark.parametrize(
    ("make", "reason"),
    [(lambda p: None, "no such file"), (lambda p: p.mkdir(), "it is a directory, not a file")],
    ids=["missing", "directory"],
)
def test_a_file_that_cannot_be_read_is_worded_one_way(tmp_path, capsys, argv, make, reason):
    from w65tool.cli import main

    path = tmp_path / "prog.hex"
    make(path)
    source = tmp_path / "ok.asm"
    source.write_text("        .org $2000\n        rts\n")
    argv = [a.format(path=path, asm=source) for a in argv]
    assert main(argv) == 1
    assert capsys.readouterr().err == f"w65: error: cannot read {path}: {reason}\n"


@pytest.mark.parametrize("port", ["/dev/null", "{tmp}", "{tmp}/file"], ids=["null", "dir", "file"])
def test_a_port_that_is_not_a_serial_device_says_so(tmp_path, capsys, port):
    from w65tool.cli import main

    (tmp_path / "file").write_text("not a port\n")
    port = port.format(tmp=tmp_path)
    assert main(["regs", "--port", port]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"w65: error: {port} is not a serial device\n"), err


def test_a_bad_option_prints_the_sub_command_usage(capsys):
    from w65tool.cli import main

    with pytest.raises(SystemExit) as exc:
        main(["run", "prog.hex", "--bogus"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: w65 run ")
    assert err.endswith("w65 run: error: unrecognized arguments: --bogus\n")


@pytest.mark.parametrize(
    ("line", "col"),
    [("        lda #", 14), ("        lda ($10,   ", 18), ("        lda #1 +  ; why", 17)],
)
def test_the_caret_of_an_unexpected_end_of_line_points_after_the_last_token(
    tmp_path, capsys, line, col
):
    from w65tool.cli import main

    source = tmp_path / "eol.asm"
    source.write_text(line + "\n")
    assert main(["asm", str(source)]) == 1
    first, text, caret = capsys.readouterr().err.splitlines()[:3]
    assert first.startswith(f"{source}:1:{col}: error: syntax error: unexpected end of line")
    assert text == line and caret.index("^") == col - 1


def test_sim_exits_130_on_ctrl_c(tmp_path):
    import signal
    import subprocess
    import sys

    proc = subprocess.Popen(
        [sys.executable, "-m", "w65tool", "sim", "--no-pacing", "--quiet"],
        cwd=Path(__file__).resolve().parent.parent,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout.readline().startswith("port: ")  # serving: Ctrl-C switches it off
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
    finally:
        proc.kill()
    assert proc.returncode == 130, err
    assert "Traceback" not in err
