"""`PageFlags`: the hook flags a bus hands the core, and the `fetch` list kept beside them,
which lets `step()` take an instruction straight from RAM without testing its page."""

from __future__ import annotations

import copy
import pickle

import pytest

from w65tool.cpu import CPU, FlatBus
from w65tool.cpu.bus import PAGES, PageFlags


def expected_fetch(flags: bytes) -> list[int]:
    """What `fetch` must hold for `flags`, computed the slow way."""
    return [1 if (p & 0xFF) == 0xFF or flags[p] or flags[p + 1] else 0 for p in range(PAGES)]


def test_fetch_follows_every_assignment() -> None:
    flags = PageFlags()
    assert flags.fetch == expected_fetch(bytes(flags))
    flags[0x10] = 1
    flags[0x2000:0x2003] = b"\x01\x00\x01"
    flags[-1] = 1  # the last page of the space, counted from the end
    flags[0x3000:0x3010:4] = b"\x01" * 4  # an extended slice
    assert flags.fetch == expected_fetch(bytes(flags))
    assert flags.fetch[0x0F] == flags.fetch[0x10] == 1 and flags.fetch[0x11] == 0
    flags[0x10] = 0
    assert flags.fetch == expected_fetch(bytes(flags))
    assert flags.fetch[0x0F] == 0
    assert flags.listed == list(flags)


def test_all_set_flags_clear_no_page() -> None:
    assert PageFlags(1).fetch == [1] * PAGES


@pytest.mark.parametrize(
    "change",
    [
        lambda f: f.append(1),
        lambda f: f.extend(b"\x01"),
        lambda f: f.reverse(),
        lambda f: f.pop(),
        lambda f: f.clear(),
        lambda f: f.__delitem__(0),
        lambda f: f.__iadd__(b"\x01"),
        lambda f: f.__setitem__(slice(0, 2), b"\x01"),  # a slice of another length
        lambda f: f.__setitem__(slice(0, 1), b"\x01\x01"),
    ],
)
def test_changes_that_would_skip_the_update_are_refused(change) -> None:
    flags = PageFlags()
    with pytest.raises(TypeError, match="index or slice"):
        change(flags)
    assert len(flags) == PAGES and flags.fetch == expected_fetch(bytes(flags))
    assert flags.listed == list(flags)


@pytest.mark.parametrize(
    "clone", [copy.copy, copy.deepcopy, lambda f: pickle.loads(pickle.dumps(f))]
)
def test_copies_carry_their_own_fetch_list(clone) -> None:
    flags = PageFlags()
    flags[0x42] = 1
    twin = clone(flags)
    assert type(twin) is PageFlags and bytes(twin) == bytes(flags)
    assert twin.fetch == flags.fetch and twin.fetch is not flags.fetch
    assert twin.listed == flags.listed and twin.listed is not flags.listed


class IOBus(FlatBus):
    """RAM with one page ($0300) that reads back a different byte than RAM holds there, the
    way an I/O page does."""

    def read(self, address: int) -> int:
        return 0xEA if address >> 8 == 0x03 else super().read(address)


@pytest.mark.parametrize("hooked_after_cpu", [False, True])
def test_an_operand_in_a_hooked_page_is_read_through_the_bus(hooked_after_cpu) -> None:
    """LDA #imm16 whose last byte lies in the next page: with that page hooked, `step()`
    must read it through the bus, also when the flag is set after the CPU was made."""
    bus = IOBus()
    if not hooked_after_cpu:
        bus.read_hooks[0x03] = 1
    cpu = CPU(bus)
    if hooked_after_cpu:
        bus.read_hooks[0x03] = 1
    bus.load(0x02FE, bytes([0xA9, 0x34, 0x12]))  # lda #$1234, its $12 at $0300
    cpu.e = 0
    cpu.p = 0x10  # M = 0: a 16-bit immediate
    cpu.pc = 0x02FE
    cpu.step()
    assert cpu.a == 0xEA34 and cpu.pc == 0x0301


def test_the_program_counter_wraps_in_its_bank_at_the_last_page() -> None:
    bus = FlatBus()
    bus.load(0x00FFFF, bytes([0xA9]))  # lda #imm at $00FFFF: its operand is at $000000
    bus.load(0x000000, bytes([0x5A]))
    bus.load(0x010000, bytes([0x99]))  # not this one
    cpu = CPU(bus)
    cpu.pc = 0xFFFF
    cpu.step()
    assert cpu.a & 0xFF == 0x5A and cpu.pc == 0x0001


def test_a_data_page_hooked_after_the_cpu_was_made_goes_through_the_bus() -> None:
    bus = IOBus()
    cpu = CPU(bus)
    bus.load(0x0200, bytes([0xAD, 0x10, 0x03]))  # lda $0310
    cpu.pc = 0x0200
    cpu.step()
    assert cpu.a & 0xFF == 0x00  # RAM
    bus.read_hooks[0x03] = 1
    cpu.pc = 0x0200
    cpu.step()
    assert cpu.a & 0xFF == 0xEA  # the bus
