"""Test setup shared by the whole suite."""

import gc
import os

import pytest
from bare_programs import BLINK

from w65tool.cpu import CPU, FlatBus, blocks
from w65tool.image import Image

SHIPPED_HOT = blocks.HOT
"""The visits before a block compiles, as shipped (the suite runs with `SUITE_HOT`)."""
SUITE_HOT = 32


def pytest_xdist_auto_num_workers(config):
    """`-n auto`: two workers more than the cores. Many tests spend seconds waiting on a
    serial line's time-outs or a pseudo-terminal, and the extra workers run in those waits
    (on two cores, the whole suite: 114-119 s with three workers, 99 s with four, 103 s
    with five)."""
    return (os.cpu_count() or 1) + 2


def pytest_collection_modifyitems(config, items):
    """Tests marked `waits` (seconds of a line's real time-outs, little CPU) run first: they
    then overlap the others instead of ending the run on a worker of their own."""
    items.sort(key=lambda item: item.get_closest_marker("waits") is None)


def pytest_collection_finish(session):
    """Keep the cyclic garbage collector off what lives for the whole run.

    A worker holds hundreds of thousands of objects once it has collected (modules, test
    items, Textual's and Hypothesis's classes), and each full collection walked them all
    again: a third of a TUI test's CPU time. Frozen, they are left out of collections;
    and collections come ten times less often (each young one then has more to do, but
    the total is smaller)."""
    gc.freeze()
    gc.set_threshold(7000, 10, 10)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    """After each test, collect its garbage and freeze what survives (caches and the
    like), so the next test's collections walk only the objects it makes. (Here, not in
    a hook that pytest-xdist's controller also runs for every report.)"""
    yield
    gc.collect()
    gc.freeze()


def pytest_configure(config):
    # The suite's programs are short: with blocks compiled after 32 visits instead of 255,
    # its comparisons of `run()` with `step()` go through compiled blocks. Processes the
    # suite starts (`w65 run`, `w65 sim`, the TUI's boards) keep the shipped threshold.
    blocks.HOT = SUITE_HOT
    # The w65 pytest plugin (fixtures sxb, mensch, w65_board) registers itself through its
    # entry point when the package is installed; from a plain checkout, load it here.
    manager = config.pluginmanager
    if not (manager.has_plugin("w65") or manager.has_plugin("w65tool.pytest_plugin")):
        manager.import_plugin("w65tool.pytest_plugin")


@pytest.fixture
def blink_hex(tmp_path) -> str:
    """BLINK as a HEX file at $0010, with T0's native vector; the path as text."""
    image = Image()
    image.put(0x0010, BLINK)
    image.put(0xFF80, b"\x28\x00")  # T0's native vector
    image.entry = 0x0010
    path = tmp_path / "blink.hex"
    path.write_text(image.to_hex())
    return str(path)


JUNK = b"\xaa" * (1 << 24)  # memory not set by a test reads $AA, so stray reads show


def make_cpu(code: bytes = b"", at: int = 0x0200) -> tuple[CPU, FlatBus]:
    """A reset core over junk-filled memory, `code` at `at`, PC there."""
    bus = FlatBus()
    bus.ram[:] = JUNK
    bus.load(at, code)
    cpu = CPU(bus)
    cpu.pbr, cpu.pc = at >> 16, at & 0xFFFF
    return cpu, bus
