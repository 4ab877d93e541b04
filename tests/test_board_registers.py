"""The register table is the single source: the include file agrees with it."""

from w65tool.board import incgen
from w65tool.board.registers import BY_ADDRESS, BY_NAME, REGISTERS, vector
from w65tool.chip import IO_FIRST, IO_LAST


def test_include_file_matches_register_table():
    assert incgen.INC_PATH.read_text() == incgen.render(), (
        "asm/w65c265.inc is out of date: run python -m w65tool.board.incgen"
    )


def test_every_register_is_in_the_io_window_once():
    assert len(BY_NAME) == len(REGISTERS) == len(BY_ADDRESS)
    assert all(IO_FIRST <= r.address <= IO_LAST for r in REGISTERS)


def test_addresses_from_the_datasheet_map():
    assert BY_NAME["PD7"].address == 0xDF23
    assert BY_NAME["PCS7"].address == 0xDF27
    assert BY_NAME["T4LL"].address == 0xDF58
    assert BY_NAME["T1CH"].address == 0xDF63
    assert BY_NAME["ACSR3"].address == 0xDF76
    assert BY_NAME["ARTD3"].address == 0xDF77


def test_vectors_native_and_emulation():
    assert vector("T2", False) == 0xFF84
    assert vector("U3RX", False) == 0xFFAC
    assert vector("U3TX", True) == 0xFFEE
    assert vector("BRK", True) == 0xFFFE
    assert vector("NMI", False) == 0xFFBA


def test_write_or_check_reports_a_stale_file_and_writes_only_when_asked(tmp_path, capsys):
    path = tmp_path / "x.inc"
    path.write_text("old\n")
    assert incgen.write_or_check(path, "new\n", "w65tool.board.incgen", ["--check"]) == 1
    assert path.read_text() == "old\n"
    assert "out of date: run python -m w65tool.board.incgen" in capsys.readouterr().out
    assert incgen.write_or_check(path, "new\n", "w65tool.board.incgen", []) == 0
    assert incgen.write_or_check(path, "new\n", "w65tool.board.incgen", ["--check"]) == 0
    assert path.read_text() == "new\n"
