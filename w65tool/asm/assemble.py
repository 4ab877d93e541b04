"""The assembler's entry points: source text or a file in, an `AsmResult` out.

Stages: the expander (includes, defines, macros, conditionals) -> one parse per line ->
the passes -> the image. Every stage reports into diagnostics instead of stopping, so a run
shows all its errors; any error raises `AsmError` at the end, and nothing is returned.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import pairwise
from pathlib import Path

from w65tool.asm.diagnostics import Sink, WarningPolicy, cap_errors
from w65tool.asm.dialects import Dialect, dialect
from w65tool.asm.directive_table import BINFILE
from w65tool.asm.expander import Expander, Line, read_source
from w65tool.asm.expr import Text
from w65tool.asm.parser import LineError, parse_line, parsed_lines
from w65tool.asm.passes import Assembler, PassResult
from w65tool.asm.result import AsmError, AsmResult, Row
from w65tool.asm.statements import Directive, Instruction, ParsedLine
from w65tool.errors import W65Error, cannot_read
from w65tool.image import Image


def assemble_file(
    path: str | Path | Sequence[str | Path],
    *,
    include_dirs: Iterable[str | Path] = (),
    defines: dict[str, str] | None = None,
    compat: str | Dialect | None = None,
    default_width: int | None = None,
    warnings: Iterable[str] | WarningPolicy = (),
    cfg: str | Path | None = None,
) -> AsmResult:
    """Assemble a source file, or the files of a source set (a list): each then a module in
    a scope named after its file, sharing the names it exports (ca65's `.export`/`.global`,
    WDC's `XDEF`/`PUBLIC`). Errors raise `AsmError` (a `W65Error`)."""
    paths = [Path(p) for p in ([path] if isinstance(path, str | Path) else path)]
    if not paths:
        raise W65Error("no source file given")
    files = [(_read(p), str(p), p) for p in paths]
    return assemble_source(
        files[0][0],
        str(paths[0]),
        include_dirs=include_dirs,
        defines=defines,
        compat=compat,
        default_width=default_width,
        warnings=warnings,
        cfg=cfg,
        _path=paths[0],
        _more=files[1:],
    )


def _read(path: Path) -> str:
    try:
        return read_source(path)
    except OSError as err:
        raise cannot_read(path, err) from None
    except ValueError as err:
        raise W65Error(f"{path}: {err}") from None


def assemble_source(
    text: str,
    filename: str = "<source>",
    *,
    include_dirs: Iterable[str | Path] = (),
    defines: dict[str, str] | None = None,
    compat: str | Dialect | None = None,
    default_width: int | None = None,
    warnings: Iterable[str] | WarningPolicy = (),
    cfg: str | Path | None = None,
    _path: Path | None = None,
    _more: Sequence[tuple[str, str, Path]] = (),
) -> AsmResult:
    """Assemble source text; `filename` names it in diagnostics, includes are found beside it.

    `defines` are `-D` text defines; `compat` names the dialect (`w65tool.asm.dialects`):
    None for w65's own, "naken", "ca65", "64tass" or "wdc"; `default_width` (8 or 16) is the
    M and X width at the start (the dialect's when None); `warnings` are `-W` option values
    (`no-NAME`, `error`, `error=NAME`); `cfg` is an ld65 configuration file placing the
    segments (`w65tool.asm.layout`).
    """
    rules = dialect(compat)
    if rules.fold_case and defines:
        defines = {name.lower(): value for name, value in defines.items()}
    if default_width not in (None, 8, 16):
        raise W65Error(f"--default-width is 8 or 16, not {default_width}")
    if default_width is None:
        default_width = rules.start_width
    layout = None
    if cfg is not None:
        from w65tool.asm.layout import read_cfg

        layout = read_cfg(Path(cfg))
    policy = (
        warnings
        if isinstance(warnings, WarningPolicy)
        else WarningPolicy.from_options(list(warnings))
    )
    sink = Sink(policy)
    path = _path if _path is not None else (Path(filename) if Path(filename).is_file() else None)
    expander = Expander(sink, tuple(Path(d) for d in include_dirs), defines, rules)
    lines = expander.expand_set([(text, filename, path), *_more])
    stopped = sink.full  # the expander stops reading at the error cap
    parsed = _parse(lines, rules, sink)
    binfiles = _binfiles(lines, parsed, expander, sink)
    final = Assembler(lines, parsed, policy, rules, default_width, binfiles, layout).run()
    items = sorted(sink.items + final.sink.items, key=lambda d: d.order)
    image, overlaps = _image(lines, final.out, final.entry, policy)
    if layout is not None:
        layout.output(image)
    items = cap_errors(sorted(items + overlaps, key=lambda d: d.order), filename, stopped)
    if any(d.severity in ("error", "fatal") for d in items):
        raise AsmError(items)
    instructions = sum(
        1
        for pl, placed in zip(parsed, final.out, strict=True)
        if placed is not None and pl is not None and type(pl.statement) is Instruction
    )
    return AsmResult(
        image,
        _named(final.symbols) if rules.reader is not None else dict(final.symbols),
        items,
        lambda: _rows(lines, parsed, final),
        instructions,
        filename,
        final.passes,
    )


def _named(symbols: dict[str, int]) -> dict[str, int]:
    """The symbols without the names a dialect's reader gave its anonymous labels."""
    return {k: v for k, v in symbols.items() if "__anon" not in k}


def _rows(lines: list[Line], parsed: list[ParsedLine | None], final: PassResult) -> list[Row]:
    """The listing rows: address (of lines that place bytes or hold a statement), bytes, widths."""
    return [
        Row(
            final.addrs[i] if final.out[i] is not None or parsed[i] is not None else None,
            final.out[i][1] if final.out[i] is not None else b"",  # type: ignore[index]
            (final.states[i][0], final.states[i][2]) if final.states[i] is not None else None,  # type: ignore[index]
            lines[i],
        )
        for i in range(len(lines))
    ]


def _image(
    lines: list[Line], out: list, entry: int | None, policy: WarningPolicy
) -> tuple[Image, list]:
    """The image of the placed bytes, and an overlap warning where bytes land twice."""
    sink = Sink(policy)
    # Lines whose bytes follow on from the line before join one run: programs are mostly a
    # few long runs, so the overlap check and the byte map work per run, not per line.
    runs: list[tuple[int, bytearray]] = []
    end = -1
    for p in out:
        if p is not None and p[1]:
            if p[0] == end:
                runs[-1][1].extend(p[1])
            else:
                runs.append((p[0], bytearray(p[1])))
            end = p[0] + len(p[1])
    spans = sorted((start, start + len(buf)) for start, buf in runs)
    if any(a[1] > b[0] for a, b in pairwise(spans)):
        _overlaps(lines, out, sink)
    image = Image(entry=entry)
    for start, buf in runs:  # in source order: later bytes win
        image.put(start, buf)
    return image, sink.items


def _overlaps(lines: list[Line], out: list, sink: Sink) -> None:
    """Warn at each line whose bytes land where an earlier-placed line's bytes are."""
    placed = sorted((p[0], i, p[1]) for i, p in enumerate(out) if p is not None and p[1])
    end = -1
    for address, i, payload in placed:
        if address < end:
            sink.position = i
            sink.warn(
                "overlap", f"bytes at ${address:06X} overwrite earlier bytes", lines[i].origin, 1
            )
        end = max(end, address + len(payload))


def _parse(lines: list[Line], rules: Dialect, sink: Sink) -> list[ParsedLine | None]:
    # most lines repeat one seen before (in this run or, for the samples' include files, an
    # earlier one): look them all up first, then parse the rest in order
    known = parsed_lines(rules)
    parsed = [known.get(line.text) for line in lines]
    for i in [i for i, pl in enumerate(parsed) if pl is None]:
        line = lines[i]
        try:
            parsed[i] = parse_line(line.text, rules)
        except LineError as err:
            sink.position = i
            sink.error(err.message, line.origin, line.source_col(err.col))
        except RecursionError:
            sink.position = i
            sink.error("expression nests too deeply", line.origin, 1)
    return parsed


def _binfiles(
    lines: list[Line], parsed: list[ParsedLine | None], expander: Expander, sink: Sink
) -> dict[int, bytes]:
    """Read the files of `.binfile` lines (`.incbin`, `.binary`), found as includes are."""
    out: dict[int, bytes] = {}
    # identical lines share one parsed line: look at each distinct one once
    wanted = {
        pl
        for pl in set(filter(None, parsed))
        if type(pl.statement) is Directive and pl.statement.name in BINFILE
    }
    for i, pl in enumerate(parsed):
        if pl not in wanted:
            continue
        st = pl.statement  # type: ignore[union-attr]
        assert isinstance(st, Directive)
        line = lines[i]
        sink.position = i
        if not 1 <= len(st.args) <= 3 or not isinstance(st.args[0], Text):
            sink.error(
                f"'.{st.name}' takes a file name in quotes, then an offset and a length if "
                f'wanted: .{st.name} "data.bin"[, offset[, length]]',
                line.origin,
                line.source_col(st.col),
            )
            continue
        name = st.args[0].data.decode("latin-1")
        found = expander.resolve(name, Path(line.origin.file).parent)
        if found is None:
            sink.error(
                f"cannot find binary file '{name}'", line.origin, line.source_col(st.args[0].col)
            )
            continue
        try:
            out[i] = found.read_bytes()
        except OSError as err:
            sink.error(
                f"cannot read '{name}': {err.strerror}",
                line.origin,
                line.source_col(st.args[0].col),
            )
    return out
