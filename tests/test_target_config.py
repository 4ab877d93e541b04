"""Connection defaults from w65.toml, pyproject.toml and the environment; port resolution."""

import pytest

from w65tool.errors import W65Error
from w65tool.target import ports
from w65tool.target.base import TargetError
from w65tool.target.config import load_settings
from w65tool.target.ports import PortInfo, resolve_port


def test_defaults_without_any_file_or_variable(tmp_path):
    settings = load_settings(tmp_path, env={})
    assert (settings.port, settings.baud, settings.rtscts, settings.board) == (
        None,
        9600,
        False,
        "sxb",
    )


def test_pyproject_tool_table_is_found_from_a_subfolder(tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        '[tool.w65]\nport = "/dev/ttyUSB1"\nbaud = 19200\nboard = "sxb"\n'
    )
    sub = tmp_path / "src" / "deep"
    sub.mkdir(parents=True)
    settings = load_settings(sub, env={})
    assert (settings.port, settings.baud, settings.board) == ("/dev/ttyUSB1", 19200, "sxb")
    assert "pyproject.toml" in settings.origin["port"]


def test_w65_toml_wins_over_pyproject_in_the_same_folder(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.w65]\nport = "A"\n')
    (tmp_path / "w65.toml").write_text('port = "B"\nrtscts = true\n')
    settings = load_settings(tmp_path, env={})
    assert settings.port == "B" and settings.rtscts is True


def test_environment_wins_over_the_file(tmp_path):
    (tmp_path / "w65.toml").write_text('port = "file"\nbaud = 4800\n')
    settings = load_settings(tmp_path, env={"W65_PORT": "env", "W65_BAUD": "38400"})
    assert (settings.port, settings.baud) == ("env", 38400)
    assert settings.origin["baud"] == "W65_BAUD"


def test_pyproject_without_a_w65_table_is_skipped(tmp_path):
    (tmp_path / "w65.toml").write_text('port = "outer"\n')
    inner = tmp_path / "inner"
    inner.mkdir()
    (inner / "pyproject.toml").write_text('[project]\nname = "x"\n')
    assert load_settings(inner, env={}).port == "outer"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("baud = 115200\n", "cannot run at 115200 baud"),
        ('baud = "fast"\n', "baud must be a number"),
        ('board = "apple"\n', "board must be mensch or sxb"),
        ("colour = 1\n", "unknown setting 'colour'"),
        ("port = \n", "error:"),
    ],
)
def test_bad_settings_name_the_file(tmp_path, text, message):
    (tmp_path / "w65.toml").write_text(text)
    with pytest.raises(W65Error, match=message) as err:
        load_settings(tmp_path, env={})
    assert "w65.toml" in err.value.message


def test_bad_baud_variable_is_refused(tmp_path):
    with pytest.raises(W65Error, match="W65_BAUD must be a whole number"):
        load_settings(tmp_path, env={"W65_BAUD": "9600x"})


def sxb(device, vid=0x0403):
    return PortInfo(device, vid, 0x6001, "A10K", "FT232R USB UART")


def test_auto_picks_the_one_ftdi_device(monkeypatch):
    monkeypatch.setattr(ports, "list_ports", lambda: [sxb("/dev/ttyS0", None), sxb("/dev/ttyUSB3")])
    assert resolve_port("auto") == "/dev/ttyUSB3"


def test_auto_with_several_boards_lists_them(monkeypatch):
    monkeypatch.setattr(ports, "list_ports", lambda: [sxb("/dev/ttyUSB0"), sxb("/dev/ttyUSB1")])
    with pytest.raises(
        TargetError, match="2 boards that look like an SXB: /dev/ttyUSB0, /dev/ttyUSB1"
    ):
        resolve_port("auto")


def test_a_chooser_picks_among_several_boards(monkeypatch):
    monkeypatch.setattr(ports, "list_ports", lambda: [sxb("/dev/ttyUSB0"), sxb("/dev/ttyUSB1")])
    asked = []

    def choose(devices, what):
        asked.append((devices, what))
        return devices[1]

    assert resolve_port("auto", choose) == "/dev/ttyUSB1"
    assert asked == [(["/dev/ttyUSB0", "/dev/ttyUSB1"], "boards that look like an SXB")]
    with pytest.raises(TargetError, match="no port chosen among 2 boards"):
        resolve_port("auto", lambda devices, what: None)


def test_the_terminal_chooser_takes_a_number(monkeypatch, capsys):
    from w65tool.cli.target_args import choose_on_terminal

    answers = iter(["2", "3", "x"])
    monkeypatch.setattr("builtins.input", lambda prompt: next(answers))
    devices = ["/dev/ttyUSB0", "/dev/ttyUSB1"]
    assert choose_on_terminal(devices, "boards") == "/dev/ttyUSB1"
    assert choose_on_terminal(devices, "boards") is None
    assert choose_on_terminal(devices, "boards") is None
    assert "  2. /dev/ttyUSB1" in capsys.readouterr().err


def test_auto_without_a_board_says_so(monkeypatch):
    monkeypatch.setattr(ports, "list_ports", lambda: [sxb("/dev/ttyS0", None)])
    with pytest.raises(TargetError, match=r"no board found.*ports here: /dev/ttyS0"):
        resolve_port("auto")


def test_glob_and_url(tmp_path, monkeypatch):
    (tmp_path / "cu.usbserial-A1").touch()
    assert resolve_port(str(tmp_path / "cu.usbserial-*")) == str(tmp_path / "cu.usbserial-A1")
    assert resolve_port("socket://localhost:4000") == "socket://localhost:4000"
    monkeypatch.setattr(ports, "list_ports", lambda: [])
    with pytest.raises(TargetError, match="no port matches"):
        resolve_port(str(tmp_path / "ttyACM*"))
