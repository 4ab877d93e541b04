"""One record of register widths: `widths.Widths` is what the disassembler decodes with
(`disasm.State`) and what the CPU's handlers are specialised for (`cpu.access.HandlerKey`),
and no module defines a second one."""

import ast
import contextlib
import copy
import itertools
import pickle
from pathlib import Path

import pytest

import w65tool
from w65tool import disasm
from w65tool.cpu import access
from w65tool.widths import Widths

PACKAGE = Path(w65tool.__file__).parent
RECORD = PACKAGE / "widths.py"


def _every_widths() -> set[Widths]:
    valid = set()
    for m8, x8, emulation in itertools.product((False, True), repeat=3):
        with contextlib.suppress(ValueError):
            valid.add(Widths(m8, x8, emulation))
    return valid


def test_the_disassembler_and_the_cpu_share_the_record():
    assert disasm.State is Widths
    assert {type(key.widths) for key in access.STATES} == {disasm.State}
    # one dispatch table for each possible record, so any state the disassembler reaches
    # names the CPU's table for it
    assert {key.widths for key in access.STATES} == _every_widths()
    assert len(access.STATES) == len(_every_widths())


def test_a_disassembled_state_selects_a_cpu_table():
    lines = disasm.disassemble(bytes.fromhex("18 FB C2 20 38 FB"), 0x2000)  # CLC XCE REP SEC XCE
    keys = {key.widths: key for key in access.STATES}
    assert [keys[line.state].tag for line in lines] == ["m8x8", "m8x8", "m16x8", "m16x8", "e"]


def test_the_record_is_immutable_and_compares_by_value():
    w = Widths(m8=False, x8=True)
    assert w == Widths(False, True, False) != Widths(False, False, False)
    assert hash(w) == hash(Widths(False, True))
    assert w != (False, True, False)
    assert repr(w) == "Widths(m8=False, x8=True, emulation=False)"
    assert Widths() == Widths(True, True, False)
    with pytest.raises(AttributeError):
        w.m8 = True  # type: ignore[misc]
    with pytest.raises(AttributeError):
        del w.x8
    assert copy.deepcopy(w) == w
    assert pickle.loads(pickle.dumps(w)) == w


@pytest.mark.parametrize(("m8", "x8"), [(False, True), (True, False), (False, False)])
def test_emulation_mode_has_only_8_bit_registers(m8, x8):
    with pytest.raises(ValueError, match="8-bit registers only"):
        Widths(m8, x8, emulation=True)


@pytest.mark.parametrize(
    ("p", "e", "expected"),
    [
        (0x30, 0, Widths(True, True)),
        (0x20, 0, Widths(True, False)),
        (0x10, None, Widths(False, True)),  # a target that cannot tell E: read as native
        (0xCF, 0, Widths(False, False)),
        (0x00, 1, Widths(True, True, True)),  # emulation: 8 bits whatever P holds
    ],
)
def test_widths_from_the_status_register(p, e, expected):
    assert Widths.from_status(p, e) == expected


def _stored_names(cls: ast.ClassDef) -> set[str]:
    """Fields a class body stores: annotated names, `__slots__` entries, `self.name =`."""
    names = set()
    for node in ast.walk(cls):
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name) and target.id == "__slots__" and node.value:
                    names |= {
                        item.value
                        for item in ast.walk(node.value)
                        if isinstance(item, ast.Constant) and isinstance(item.value, str)
                    }
                elif (
                    isinstance(target, ast.Attribute)
                    and isinstance(target.value, ast.Name)
                    and target.value.id == "self"
                ):
                    names.add(target.attr)
    return names


def _width_records(source: str) -> list[str]:
    """Names of the classes in `source` that store both an `m8` and an `x8`."""
    return [
        node.name
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.ClassDef) and {"m8", "x8"} <= _stored_names(node)
    ]


def test_the_scanner_finds_width_records():
    assert _width_records(RECORD.read_text()) == ["Widths"]
    sample = (
        "class A:\n    m8: bool\n    x8: bool\n"
        "class B:\n    __slots__ = ('m8', 'x8', 'inline')\n"
        "class C:\n    def __init__(self):\n        self.m8 = self.x8 = True\n"
        "class D:\n    m8: bool\n    @property\n    def x8(self): return True\n"
    )
    assert _width_records(sample) == ["A", "B", "C"]


def test_no_module_defines_a_second_width_record():
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path != RECORD:
            where = path.relative_to(PACKAGE.parent)
            found += [f"{where}: {name}" for name in _width_records(path.read_text())]
    assert not found, "width records besides widths.Widths:\n" + "\n".join(found)
