"""Long lines and large expansions cost time and memory in proportion to what they hold."""

import pytest

from w65tool.asm import AsmError, assemble_source, expander
from w65tool.asm.diagnostics import Sink
from w65tool.asm.expander import MAX_LINES, Expander


def test_nested_repeats_past_the_line_cap_stop_after_two_passes_over_the_outer_body():
    sink = Sink()
    text = ".org 0\n.repeat 2000\n.repeat 2000\nnop\n.endr\n.endr\n"
    lines = Expander(sink).expand_text(text, "big.asm", None)
    assert len(lines) <= 1 + 2 * 2000  # the cap is seen coming, not reached line by line
    (error,) = sink.items
    assert (
        error.message
        == f"'.repeat' takes the program past {MAX_LINES} lines (2000 times 2000 lines)"
    )
    assert (error.origin.line, error.col) == (2, 1)


def test_a_repeat_whose_first_pass_alone_is_large_is_not_refused(monkeypatch):
    monkeypatch.setattr(expander, "MAX_LINES", 1000)
    # the first pass makes 700 lines, the next ones one each: 705 in all, under the cap
    source = "first = 1\n.repeat 4\n.if first\n.repeat 700\nnop\n.endr\n.endif\nfirst = 0\n.endr\n"
    sink = Sink()
    lines = Expander(sink).expand_text(source, "big.asm", None)
    assert sink.items == [] and len(lines) == 1 + 700 + 4


def test_a_repeat_that_fits_under_the_cap_is_expanded_whole():
    lines = Expander(Sink()).expand_text(".repeat 3\n.repeat 4\nnop\n.endr\n.endr\n", "a", None)
    assert [line.text for line in lines] == ["nop"] * 12


def test_a_long_data_line_assembles_every_item():
    items = [n % 256 for n in range(30_000)]
    source = ".org $1000\n.db " + ", ".join(map(str, items)) + "\n"
    assert assemble_source(source).image.to_bin() == bytes(items)


def test_a_long_sum_folds_to_its_value():
    source = ".org $1000\n.a16\nlda #" + "+".join(["1"] * 20_000) + "\n"
    assert assemble_source(source).image.to_bin() == bytes.fromhex("A9 20 4E")


def test_a_sum_too_deep_to_evaluate_is_one_error():
    source = ".org $1000\nx = 1\n.a16\nlda x" + "+1" * 50_000 + "\n"
    with pytest.raises(AsmError) as err:
        assemble_source(source)
    assert [d.message for d in err.value.diagnostics] == ["expression nests too deeply"]
