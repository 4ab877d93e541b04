"""The memory-map check before a load: each region, on the emulator and through `w65 sim`."""

import os
import re

import pytest

from w65tool.board import memory_map
from w65tool.board.memory_map import MONITOR_REGIONS, MemoryMapError, check_image, free_ranges
from w65tool.cli import main
from w65tool.image import Image
from w65tool.target.emulator import EmulatedTarget
from w65tool.target.sim_server import VirtualBoard

CASES = [(region.name, region.first + 1) for region in MONITOR_REGIONS] + [
    ("memory the W65C265SXB does not have", 0x8000),
    ("memory the W65C265SXB does not have", 0x01_2000),
]
"""(what the error names, the first address of the image that lands there), SXB."""


def image_from(address: int, length: int = 3) -> Image:
    image = Image()
    image.put(address, bytes((i + 1) & 0xFF for i in range(length)))
    return image


@pytest.mark.parametrize(("name", "address"), CASES)
def test_each_region_is_named_with_the_first_address(name, address):
    with pytest.raises(MemoryMapError) as caught:
        check_image(image_from(address), "sxb")
    text = caught.value.message
    assert f"${address >> 16:02X}:{address & 0xFFFF:04X}, in {name}" in text


def test_the_first_offending_address_is_where_free_ram_ends():
    image = Image()
    image.put(0x00F8, bytes(16))  # free page-0 RAM running into the BRK slot at $0100
    with pytest.raises(MemoryMapError, match=r"\$00:0100, in the monitor's BRK and NMI slots"):
        check_image(image, "sxb")


def test_free_ram_of_each_board():
    assert free_ranges("sxb") == ((0x00B5, 0x00FF), (0x0200, 0x7FFF))
    assert free_ranges("mensch") == ((0x00B5, 0x00FF),)
    check_image(image_from(0x00B5, 0x4B), "mensch")
    check_image(image_from(0x0200, 0x100), "sxb")
    with pytest.raises(MemoryMapError, match=r"\$00:0200, in memory the Mensch .* not have"):
        check_image(image_from(0x0200), "mensch")


def test_a_bare_chip_takes_ram_io_and_rom_space():
    for address in (0x0000, 0x0100, 0xDF20, 0xDF80, 0xE000):
        check_image(image_from(address), "sxb", monitor=False)
    with pytest.raises(MemoryMapError, match="does not have"):
        check_image(image_from(0xDFC0), "sxb", monitor=False)


def test_region_lookup_is_by_ranges_not_bytes():
    image = Image()
    image.put(0x0200, bytes(0x7E00))  # all of the SXB's SRAM
    assert memory_map.first_conflict(image, "sxb") is None


@pytest.mark.parametrize(("name", "address"), CASES)
def test_the_emulator_refuses_and_stores_nothing(name, address):
    target = EmulatedTarget("sxb")
    ram = target.board.bus.ram
    before = bytes(ram[address : address + 3])
    with pytest.raises(MemoryMapError, match=f"in {re.escape(name)}"):
        target.load(image_from(address))
    assert bytes(ram[address : address + 3]) == before


def test_the_emulator_loads_with_force_as_the_chip_would():
    target = EmulatedTarget("sxb")
    target.load(image_from(0x0138, 1), force=True)
    assert target.read_memory(0x0138, 1) == b"\x01"
    target.load(image_from(0xE100, 2), force=True)  # the ROM keeps its own bytes
    assert target.read_memory(0xE100, 2) != b"\x01\x02"


def test_w65_run_refuses_an_image_over_the_monitor(tmp_path, capsys):
    path = tmp_path / "p.hex"
    image_from(0x0104).save(path)
    assert main(["run", str(path)]) == 1
    err = capsys.readouterr().err
    assert "w65: error: the program writes $00:0104, in the monitor's BRK and NMI slots" in err


@pytest.fixture(scope="module")
def sim():
    if not hasattr(os, "openpty"):
        pytest.skip("needs pseudo-terminals")
    with VirtualBoard("sxb", pacing=False) as vb:
        yield vb


@pytest.mark.parametrize(("name", "address"), CASES)
def test_w65_load_refuses_before_anything_is_sent(sim, tmp_path, capsys, name, address):
    path = tmp_path / "p.hex"
    image_from(address).save(path)
    sent = sim.bytes_in
    assert main(["load", str(path), "--port", sim.port, "--verify"]) == 1
    err = capsys.readouterr().err
    where = f"${address >> 16:02X}:{address & 0xFFFF:04X}"
    assert err.startswith(f"w65: error: the program writes {where}, in {name}")
    assert "--force loads it anyway" in err and "Traceback" not in err
    assert sim.bytes_in == sent  # the port was never written


def test_w65_load_names_the_board_it_was_told(sim, tmp_path, capsys):
    path = tmp_path / "p.hex"
    image_from(0x0300).save(path)
    assert main(["load", str(path), "--port", sim.port, "--board", "mensch"]) == 1
    assert "memory the Mensch Microcomputer does not have" in capsys.readouterr().err


def test_w65_load_force_warns_and_loads(sim, tmp_path, capsys):
    path = tmp_path / "p.hex"
    image_from(0x0136, 2).save(path)  # the alarm slot's last bytes: unused by the monitor
    assert main(["load", str(path), "--port", sim.port, "--force", "--verify"]) == 0
    err = capsys.readouterr().err
    assert err.startswith("w65: warning: --force: the program writes $00:0136, in the monitor's")
    assert "verified 2 bytes" in err
    with sim.lock:
        assert bytes(sim.board.bus.peek(0x0136 + i) for i in range(2)) == b"\x01\x02"
