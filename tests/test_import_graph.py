"""The package's imports follow the data flow: each room imports only from the rooms left of
it (docs/architecture.md), so there is no cycle, and the commands and the TUI share code
through the rooms below them, never through each other."""

import ast
from pathlib import Path

import w65tool

PACKAGE = Path(w65tool.__file__).parent

LAYERS: list[set[str]] = [
    {"w65tool", "errors", "isa", "widths", "chip"},
    {"image", "addresses", "debug_map"},
    {"asm", "disasm"},
    {"program", "cpu"},
    {"board"},
    {"target", "pytest_plugin"},
    {"cli", "tui"},
    {"__main__"},
]
RANK = {room: rank for rank, rooms in enumerate(LAYERS) for room in rooms}

LAUNCHER = ("w65tool/cli/tui_cmd.py", "tui")
"""The one import across the top layer: `w65 tui` builds the app."""


def _room(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def _imports(path: Path) -> set[str]:
    """Every w65tool module `path` imports, at the top, in functions or for type checking."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            if node.module == "w65tool":
                for alias in node.names:
                    is_module = (PACKAGE / alias.name).is_dir() or (
                        PACKAGE / f"{alias.name}.py"
                    ).exists()
                    found.add(f"w65tool.{alias.name}" if is_module else "w65tool")
            else:
                found.add(node.module)
    return {name for name in found if name.split(".")[0] == "w65tool"}


def _file_room(where: str) -> str:
    return _room(where.removesuffix(".py").removesuffix("/__init__").replace("/", "."))


def _edges() -> set[tuple[str, str]]:
    """(file, room it imports) for every import that leaves the file's own room."""
    edges = set()
    for path in sorted(PACKAGE.rglob("*.py")):
        where = path.relative_to(PACKAGE.parent).as_posix()
        for name in _imports(path):
            if _room(name) != _file_room(where):
                edges.add((where, _room(name)))
    return edges


def test_every_room_has_a_layer():
    rooms = {_room(f"w65tool.{p.stem}") for p in PACKAGE.glob("*.py")}
    rooms |= {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}
    rooms = {"w65tool" if room == "__init__" else room for room in rooms}
    assert rooms <= set(RANK), f"add these to LAYERS: {sorted(rooms - set(RANK))}"


def test_the_scanner_sees_imports_in_functions():
    edges = _edges()
    assert LAUNCHER in edges  # imported inside build_app
    assert ("w65tool/board/board.py", "cpu") in edges


def test_rooms_import_only_from_their_left():
    backwards = [
        f"{where} imports w65tool.{room}"
        for where, room in sorted(_edges())
        if (where, room) != LAUNCHER and RANK[room] >= RANK[_file_room(where)]
    ]
    assert not backwards, "\n".join(backwards)


def test_the_tui_does_not_import_the_commands():
    assert not [
        where for where, room in _edges() if where.startswith("w65tool/tui/") and room == "cli"
    ]
