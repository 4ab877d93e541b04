"""Source-level view: `w65 asm --debug-map`, the map beside a HEX file, the code panel
showing the program's own lines."""

from __future__ import annotations

import json

import pytest
from tui_support import async_test, screen_text, settle, until

from w65tool.cli import main
from w65tool.debug_map import beside, load
from w65tool.errors import W65Error
from w65tool.target.emulator import EmulatedTarget
from w65tool.tui import make_app

SOURCE = """\
; counts on the lamps
        .org $0200
        .a8
start:  lda #$01        ; the first lamp
        sta $DF23       ; PD7
        brk
"""


@pytest.fixture
def built(tmp_path):
    """SOURCE assembled with `w65 asm -o prog.hex --debug-map prog.dbg.json`."""
    source = tmp_path / "prog.asm"
    source.write_text(SOURCE)
    hex_file = tmp_path / "prog.hex"
    assert (
        main(["asm", str(source), "-o", str(hex_file), "--debug-map", str(beside(hex_file))]) == 0
    )
    return hex_file


def test_the_map_gives_each_address_its_line_and_widths(built):
    debug = load(beside(built))
    place = debug.place(0x0202)  # the sta
    assert place is not None and place.line == 5 and place.m == 8
    assert debug.place(0x0203) == place  # every byte of the instruction
    assert debug.files[place.file][4].endswith("; the first lamp")
    assert debug.symbols["start"] == 0x0200 and debug.labels == ["start"]
    assert debug.address_of("prog.asm", 6) == 0x0205


def test_a_file_that_is_not_a_map_is_one_clear_error(tmp_path):
    bad = tmp_path / "x.dbg.json"
    bad.write_text(json.dumps({"format": "other"}))
    with pytest.raises(W65Error, match="not a debug map"):
        load(bad)


@async_test
async def test_a_hex_file_with_its_map_is_shown_as_source_and_follows_the_pc(built):
    target = EmulatedTarget()
    target.board.wait_for_prompt()
    app = make_app(target, running=False, program=str(built))
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: app.debug_map is not None and app.busy is None, "upload")
        await settle(pilot)
        target.write_cpu_registers(pc=0x0200, p=0x30)
        await pilot.press("f7")  # lda: the CPU is at the sta now
        await settle(pilot)
        text = screen_text(app)
        assert "Source: " in text and "prog.asm" in text
        row = next(line for line in text.splitlines() if "▶" in line)
        assert "sta $DF23       ; PD7" in row
        assert "; counts on the lamps" in text  # comments are shown too
        target.write_cpu_registers(pc=0x0280)  # where the program has no source
        await pilot.press("f4")
        await settle(pilot)
        text = screen_text(app)
        assert "Source: " not in text and "Disassembly" in text and "▶00:0280" in text
