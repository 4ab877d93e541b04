"""The `w65` process: `w65 asm` ends at once after its work, and nothing of it is lost."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = (
    "        .org $1000\n        .a8\nstart:  lda #$12\n"
    "        .a16\n        lda #$1234\n        bra start\n"
)


def w65(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "w65tool", *args], cwd=cwd, capture_output=True, timeout=60
    )


def test_an_assembly_written_to_stdout_arrives_whole(tmp_path):
    (tmp_path / "p.asm").write_text(SOURCE)
    run = w65("asm", "p.asm", "--format", "bin", "-o", "-", "-v", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert run.stdout == bytes.fromhex("A9 12 A9 34 12 80 F9")
    assert b"3 instructions, 7 bytes" in run.stderr  # the summary, flushed before the exit


def test_the_files_and_the_exit_status_survive_the_quick_exit(tmp_path):
    (tmp_path / "p.asm").write_text(SOURCE)
    run = w65("asm", "p.asm", "--listing", "p.lst", "--symbols", "p.sym", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "p.hex").read_text().endswith(":00000001FF\n")
    assert "lda #$1234" in (tmp_path / "p.lst").read_text()
    assert "start = $001000" in (tmp_path / "p.sym").read_text()
    (tmp_path / "bad.asm").write_text("        .a8\n        lda #$123\n")
    run = w65("asm", "bad.asm", cwd=tmp_path)
    assert run.returncode == 1
    assert b"bad.asm:2:" in run.stderr and b"Traceback" not in run.stderr
