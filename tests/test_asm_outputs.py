"""`w65 asm` outputs: Intel HEX, S28, binary, listing, symbols; and the parser's build."""

import gc
import subprocess
import sys
from pathlib import Path

import pytest

from w65tool.asm import assemble_file, assemble_source, read_symbol_file
from w65tool.cli import main
from w65tool.image import Image

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "led_blink.asm"


def w65(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}
    return subprocess.run(
        [sys.executable, "-m", "w65tool", *args], cwd=cwd, capture_output=True, env=env
    )


@pytest.fixture
def program(tmp_path: Path) -> Path:
    path = tmp_path / "prog.asm"
    path.write_text(".org $1000\n.a8\nstart: lda #1\nsta $10\nbra start\n")
    return path


def test_default_output_is_intel_hex_beside_the_source(program):
    run = w65("asm", program.name, cwd=program.parent)
    assert run.returncode == 0 and run.stderr == b"" and run.stdout == b""
    image = Image.load(program.with_suffix(".hex"))
    assert image.to_bin() == bytes.fromhex("A9 01 85 10 80 FA")
    assert image.low == 0x1000


def test_srec_output_is_s28_for_the_monitor(program, tmp_path):
    run = w65("asm", program.name, "--format", "srec", "-o", "out.s28", cwd=tmp_path)
    assert run.returncode == 0
    lines = (tmp_path / "out.s28").read_text().split()
    assert lines[0] == "S20A001000A9018510 80FA".replace(" ", "") + lines[0][-2:]
    assert lines[-1] == "S804000000FB"
    assert Image.load(tmp_path / "out.s28").to_bin() == bytes.fromhex("A9 01 85 10 80 FA")


def test_bin_output_is_the_raw_bytes(program, tmp_path):
    run = w65("asm", program.name, "--format", "bin", cwd=tmp_path)
    assert run.returncode == 0
    assert (tmp_path / "prog.bin").read_bytes() == bytes.fromhex("A9 01 85 10 80 FA")


def test_output_to_stdout(program, tmp_path):
    run = w65("asm", program.name, "-o", "-", cwd=tmp_path)
    assert run.returncode == 0
    assert run.stdout.startswith(b":06100000A9018510")


def test_a_listing_or_symbols_can_go_to_stdout_while_the_output_goes_to_a_file(program):
    run = w65("asm", program.name, "--listing", "-", cwd=program.parent)
    assert run.returncode == 0 and run.stdout.startswith(b"; w65 listing of prog.asm")
    assert (program.parent / "prog.hex").exists()
    run = w65("asm", program.name, "--symbols", "-", "-o", "out.hex", cwd=program.parent)
    assert run.returncode == 0 and b"start = $001000" in run.stdout


def test_only_one_output_can_go_to_stdout(program):
    run = w65("asm", program.name, "-o", "-", "--symbols", "-", cwd=program.parent)
    assert run.returncode == 1 and run.stdout == b""
    assert run.stderr == b"w65: error: only one output can go to stdout (-), not -o and --symbols\n"
    assert sorted(p.name for p in program.parent.iterdir()) == ["prog.asm"]


def test_verbose_prints_a_one_line_summary():
    run = w65("asm", str(SAMPLE), "-v", "-o", "-", cwd=ROOT)
    assert run.stderr.decode().strip() == (f"{SAMPLE}: 21 instructions, 43 bytes, $00B6-$00E0")


def test_listing_shows_address_bytes_widths_and_source(program, tmp_path):
    run = w65("asm", program.name, "--listing", "prog.lst", cwd=tmp_path)
    assert run.returncode == 0
    listing = (tmp_path / "prog.lst").read_text().splitlines()
    row = next(line for line in listing if "lda #1" in line)
    assert row.split()[:6] == ["001000", "A9", "01", "8", "?", "3"]


def test_symbols_text_and_json_read_back(program, tmp_path):
    for name in ("prog.sym", "prog.json"):
        run = w65("asm", program.name, "--symbols", name, cwd=tmp_path)
        assert run.returncode == 0
        assert read_symbol_file(tmp_path / name) == {"start": 0x1000}
    assert "start = $001000" in (tmp_path / "prog.sym").read_text()


def test_symbol_file_is_valid_source():
    result = assemble_source("a = 5\nb: nop\n")
    again = assemble_source(result.symbol_text())
    assert again.symbols == result.symbols


def test_entry_point_goes_into_the_hex_start_record():
    result = assemble_source(".org $2000\nnop\nmain: .entry_point\nrts\n")
    assert Image.from_hex(result.image.to_hex()).entry == 0x2001


def test_sample_led_blink_assembles_quietly_to_its_bytes():
    result = assemble_file(SAMPLE)
    assert result.diagnostics == []
    assert result.image.low == 0x00B6
    data = result.image.to_bin()
    assert data[:9] == bytes.fromhex("78 18 FB E2 20 C2 10 A9 04")  # sei clc xce sep rep lda.b
    assert bytes.fromhex("1C 27 DF") in data  # trb PCS7
    assert bytes.fromhex("A2 00 B4") in data  # ldx #46080 with 16-bit X


def test_blog_program_assembles_to_nakens_29_instructions_and_64_bytes(tmp_path):
    # The structure of the blog's led_blink for naken_asm: defines, lda.b, 16-bit ldx/ldy.
    lines = [".65816", ".org 0x00b6"]
    lines += [
        f".define {n}\t0x{a:x}"
        for n, a in (
            ("BCR0", 0xDF40),
            ("PDD0", 0xDF04),
            ("PD0", 0xDF00),
            ("PD7", 0xDF23),
            ("PCS7", 0xDF27),
        )
    ]
    lines += ["start:", "  sei", "  clc", "  xce", "  sep #0x20", "  rep #0x10", "main:"]
    lines += [
        "  lda.b #0x00",
        "  sta PCS7",
        "  lda.b #0x00",
        "  sta BCR0",
        "  lda.b #0xff",
        "  sta PDD0",
    ]
    lines += ["blink:", "  lda.b #0x55", "  sta PD0", "  lda.b #0xaa", "  sta PD7", "  jsr delay"]
    lines += [
        "  lda.b #0xaa",
        "  sta PD0",
        "  lda.b #0x55",
        "  sta PD7",
        "  jsr delay",
        "  jmp blink",
    ]
    lines += ["delay:", "  ldy #0x55", "delay_outer:", "  ldx #0x1000", "delay_inner:", "  dex"]
    lines += ["  bne delay_inner", "  dey", "  bne delay_outer", "  rts"]
    for compat in (None, "naken"):
        result = assemble_source("\n".join(lines) + "\n", "led_blink.asm", compat=compat)
        assert result.summary() == "led_blink.asm: 29 instructions, 64 bytes, $00B6-$00F5"
        assert result.diagnostics == []


def test_grammar_has_no_conflicts_in_strict_mode():
    pytest.importorskip("interegular", reason="lark's strict mode needs interegular")
    code = (
        "import interegular, lark\n"
        "from w65tool.asm.parser import build_parser\n"
        "build_parser(cache=False, strict=True)\n"
    )
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr


def test_a_broken_grammar_cache_never_breaks_a_run(tmp_path, monkeypatch):
    import tempfile

    from w65tool.asm.parser import build_parser

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    build_parser()
    caches = list(tmp_path.glob(".lark_cache*"))
    assert caches
    for damage in (b"garbage", None):
        for cache in caches:
            if damage is None:  # keep the checksum line, break the pickled tables after it
                head = cache.read_bytes().split(b"\n", 1)[0]
                cache.write_bytes(head + b"\n\x80\x04not a pickle")
            else:
                cache.write_bytes(damage)
        parser = build_parser()
        assert parser.parse("lda #1", start="start").statement.mnemonic == "lda"


def test_overlapping_bytes_warn_at_the_later_line_and_win():
    result = assemble_source(".org $1000\n.a8\nnop\nnop\n.org $1001\nlda #1\n")
    (warning,) = result.diagnostics
    assert warning.name == "overlap" and warning.origin.line == 6
    assert result.image.to_bin() == bytes.fromhex("EA A9 01")


def test_runs_placed_out_of_order_without_overlap_do_not_warn():
    result = assemble_source(".org $2000\nnop\nnop\n.org $1000\nnop\n.org $1FFF\nnop\n")
    assert result.diagnostics == []
    assert sorted(result.image.data) == [0x1000, 0x1FFF, 0x2000, 0x2001]


# `w65 asm` ends its process at once after its work (`cli.entry`): nothing of it is lost.
QUICK = (
    "        .org $1000\n        .a8\nstart:  lda #$12\n"
    "        .a16\n        lda #$1234\n        bra start\n"
)


def test_an_assembly_written_to_stdout_arrives_whole(tmp_path):
    (tmp_path / "p.asm").write_text(QUICK)
    run = w65("asm", "p.asm", "--format", "bin", "-o", "-", "-v", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert run.stdout == bytes.fromhex("A9 12 A9 34 12 80 F9")
    assert b"3 instructions, 7 bytes" in run.stderr  # the summary, flushed before the exit


def test_the_files_and_the_exit_status_survive_the_quick_exit(tmp_path):
    (tmp_path / "p.asm").write_text(QUICK)
    run = w65("asm", "p.asm", "--listing", "p.lst", "--symbols", "p.sym", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "p.hex").read_text().endswith(":00000001FF\n")
    assert "lda #$1234" in (tmp_path / "p.lst").read_text()
    assert "start = $001000" in (tmp_path / "p.sym").read_text()
    (tmp_path / "bad.asm").write_text("        .a8\n        lda #$123\n")
    run = w65("asm", "bad.asm", cwd=tmp_path)
    assert run.returncode == 1
    assert b"bad.asm:2:" in run.stderr and b"Traceback" not in run.stderr


def test_main_leaves_its_callers_garbage_collector_on(tmp_path):
    # only the `w65` process itself (`cli.entry`) turns the collector off for `asm`
    (tmp_path / "p.asm").write_text(QUICK)
    assert gc.isenabled()
    assert main(["asm", str(tmp_path / "p.asm"), "-o", str(tmp_path / "p.hex")]) == 0
    assert gc.isenabled()
