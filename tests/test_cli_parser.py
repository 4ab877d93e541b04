"""The `w65` command line: every command is listed, and a command line that names one builds
only that command's parser."""

import pytest

from w65tool.cli import COMMANDS, build_parser, main


def _listed(help_text: str) -> set[str]:
    """The words that begin the indented lines of a help text (where commands are listed)."""
    return {line.split()[0] for line in help_text.splitlines() if line.startswith("    ")}


def test_w65_help_lists_every_command(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["--help"])
    assert stop.value.code == 0
    out = capsys.readouterr().out
    assert set(COMMANDS) <= _listed(out)


def test_help_before_a_command_is_still_w65_help(capsys):
    with pytest.raises(SystemExit):
        main(["-h", "asm"])
    out = capsys.readouterr().out
    assert out.startswith("usage: w65 [-h]") and set(COMMANDS) <= _listed(out)


def test_a_command_help_describes_that_command(capsys):
    with pytest.raises(SystemExit):
        main(["asm", "--help"])
    out = capsys.readouterr().out
    assert out.startswith("usage: w65 asm [-h]") and "--listing FILE" in out


def test_a_parser_for_one_command_knows_only_that_command():
    parser = build_parser("dis")
    (subparsers,) = parser._subparsers._group_actions
    assert list(subparsers.choices) == ["dis"]
    assert list(build_parser()._subparsers._group_actions[0].choices) == list(COMMANDS)


def test_no_command_prints_w65_help_and_exits_2(capsys):
    assert main([]) == 2
    assert "COMMAND" in capsys.readouterr().err
