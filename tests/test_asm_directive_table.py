"""The directive table is the one list of directives: every reader of directives reads it."""

import pytest

from w65tool.asm import AsmError, assemble_source, builder
from w65tool.asm.directive_table import DATA, DOTLESS, PASS, TABLE
from w65tool.asm.passes import Assembler


def test_every_directive_method_of_the_assembler_is_in_the_table():
    methods = {name for name in dir(Assembler) if name.startswith("_d_")}
    named = {spec.action for spec in TABLE.values() if spec.stage == PASS}
    assert methods == named


@pytest.mark.parametrize(
    "source",
    [
        ".rept 2\nnop\n.endrepeat",
        "repeat 2\nnop\nendrep",
        ".macro m\nnop\nnop\n.endmacro\nm",
        ".if 0\nbrk\n.elseif 1\nnop\nnop\n.endif",
    ],
)
def test_the_expander_runs_the_tables_spellings(source):
    assert assemble_source(".org 0\n" + source + "\n").image.to_bin() == b"\xea\xea"


@pytest.mark.parametrize("name", sorted(DOTLESS))
def test_a_dotless_directive_reads_as_the_directive(name):
    line = builder.LineBuilder().instruction(builder.Token.make(name, 3))
    assert line.name == name


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("org $10\nnop", "EA"),
        ("dw $1234", "34 12"),
        ("resb 2\nnop", "EA"),
        (".rept 2\nnop\n.endr", "EA EA"),
    ],
)
def test_directives_with_and_without_their_dot(line, expected):
    image = assemble_source(".org $1000\n" + line + "\n").image
    assert image.to_bin().hex(" ").upper().endswith(expected)


@pytest.mark.parametrize("line", ["segment_x 1", "addr $1234", "incbin 1", "text 1"])
def test_a_peer_directive_without_its_dot_is_not_a_directive(line):
    with pytest.raises(AsmError) as err:
        assemble_source(line + "\n")
    assert "unknown mnemonic" in err.value.diagnostics[0].message


@pytest.mark.parametrize("name", ["bogus", "__init__", "d_org", "_org"])
def test_a_name_outside_the_table_is_an_unknown_directive(name):
    with pytest.raises(AsmError) as err:
        assemble_source(f".{name}\n")
    assert [d.message for d in err.value.diagnostics] == [f"unknown directive '.{name}'"]


def test_data_directives_carry_their_item_size():
    sizes = {n: s.size for n, s in TABLE.items() if s.stage == DATA}
    assert sizes["db"] == 1 and sizes["dw"] == 2 and sizes["long"] == 3 and sizes["dq"] == 8
