"""How a user-facing error is printed: `w65: error: ...`, or `file:line:col: error: ...`."""

from __future__ import annotations

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
