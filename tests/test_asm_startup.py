"""The assembler starts light: what `import w65tool.asm` and `w65 asm FILE` load.

Each check runs in a fresh interpreter, so modules loaded by other tests cannot hide an import.
"""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _loaded(code: str) -> set[str]:
    """The names in `sys.modules` after running `code` in a new interpreter."""
    run = subprocess.run(
        [sys.executable, "-c", code + "\nimport sys\nprint('\\n'.join(sys.modules))"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    return set(run.stdout.split())


def test_importing_the_assembler_loads_neither_dataclasses_nor_inspect():
    loaded = _loaded("import w65tool.asm")
    assert "w65tool.asm.assemble" in loaded
    assert not {"dataclasses", "inspect"} & loaded


def test_w65_asm_loads_no_other_command_and_no_emulator(tmp_path):
    source = tmp_path / "p.asm"
    source.write_text("  .org $1000\nstart: lda #$12\n  bra start\n")
    out = tmp_path / "p.hex"
    loaded = _loaded(
        "from w65tool.cli import main\n"
        f"assert main(['asm', {str(source)!r}, '-o', {str(out)!r}]) == 0\n"
    )
    assert out.read_text().startswith(":05100000A9120080FB")
    commands = {name for name in loaded if name.startswith("w65tool.cli.")}
    assert commands == {"w65tool.cli.asm_cmd", "w65tool.cli.source_args"}
    assert not {"dataclasses", "inspect", "w65tool.cpu", "w65tool.board", "w65tool.disasm"} & loaded
