"""One default board for every command and API, named in each command's first lines."""

import pytest

from w65tool.board.board import Board
from w65tool.board.kinds import DEFAULT_BOARD, KINDS
from w65tool.cli import build_parser, main
from w65tool.cli.target_args import board_kind
from w65tool.pytest_plugin import EmulatedProgram
from w65tool.target.config import Settings
from w65tool.target.emulator import EmulatedTarget
from w65tool.target.sim_server import VirtualBoard

SXB_ONLY = """\
        .org $2000          ; the SXB's SRAM: no such RAM on the Mensch board
start:  lda.b #1
        rtl
"""


def test_the_default_is_the_sxb_in_every_api():
    assert DEFAULT_BOARD == "sxb" and KINDS[DEFAULT_BOARD].title == "W65C265SXB"
    assert Board().kind == DEFAULT_BOARD
    assert EmulatedTarget().board.kind == DEFAULT_BOARD
    assert EmulatedProgram().board.kind == DEFAULT_BOARD
    assert VirtualBoard().board.kind == DEFAULT_BOARD
    assert Settings().board == DEFAULT_BOARD


@pytest.mark.parametrize(
    "argv",
    [["run", "p.hex"], ["sim"], ["load", "p.hex", "--sim"], ["tui", "--sim"]],
    ids=["run", "sim", "load", "tui"],
)
def test_every_command_emulates_the_same_board_by_default(argv, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no [tool.w65] settings above
    args = build_parser(argv[0]).parse_args(argv)
    assert board_kind(args) == DEFAULT_BOARD


def test_the_settings_file_chooses_the_board_for_every_command(tmp_path, monkeypatch):
    (tmp_path / "w65.toml").write_text('board = "mensch"\n')
    monkeypatch.chdir(tmp_path)
    for argv in (["run", "p.hex"], ["sim"], ["load", "p.hex", "--sim"]):
        assert board_kind(build_parser(argv[0]).parse_args(argv)) == "mensch"


def test_a_program_that_runs_also_loads_with_sim(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sxb.asm").write_text(SXB_ONLY)
    assert main(["run", "sxb.asm", "--seconds", "0.01"]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert first == "w65: running sxb.asm on an emulated W65C265SXB"
    assert main(["load", "sxb.asm", "--sim", "--verify", "--no-progress"]) == 0
    first = capsys.readouterr().err.splitlines()[0]
    assert first.startswith("w65: loading 3 bytes ($002000-$002002) to emulated W65C265SXB")


def test_sim_names_its_board_right_after_the_port(monkeypatch, capsys):
    import os
    import signal

    start = VirtualBoard.start

    def start_then_terminate(self):
        started = start(self)
        os.kill(os.getpid(), signal.SIGTERM)
        return started

    monkeypatch.setattr(VirtualBoard, "start", start_then_terminate)
    assert main(["sim", "--no-pacing", "--board", "mensch"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("port: ")
    assert lines[1] == "board: an emulated Mensch Microcomputer"


def test_tui_sim_names_the_board_on_its_status_line(tmp_path, monkeypatch):
    import asyncio

    from w65tool.cli.tui_cmd import build_app

    monkeypatch.chdir(tmp_path)
    app = build_app(build_parser("tui").parse_args(["tui", "--sim", "--halted"]))

    async def status() -> str:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            return app.query_one("#status").target

    assert asyncio.run(status()) == "emulated W65C265SXB"
