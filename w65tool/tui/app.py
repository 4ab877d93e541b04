"""The monitor TUI: registers, memory, disassembly, JML/JSL, upload and console over a `Target`.

Build it with `make_app(target)`: on a serial `MonitorTarget` it is EasySXB's window in a
terminal; on the `EmulatedTarget` it adds run, stop, step, step over, breakpoints and the
board's lamps. The UI thread never talks to the target: every operation is a thread worker
that goes through the `Session` and posts messages (`w65tool.tui.messages`) back.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import ClassVar, TypeVar

from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Container, Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Input, Tab, Tabs
from textual.worker import get_current_worker

from w65tool.board.bus import Watch
from w65tool.board.memory_map import MemoryMapError
from w65tool.debug_map import DebugMap
from w65tool.errors import W65Error
from w65tool.program import Program, read_program
from w65tool.target.base import Target
from w65tool.target.link import PortLost
from w65tool.tui import inspect
from w65tool.tui import messages as msg
from w65tool.tui.addresses import format_address, locate, resolve
from w65tool.tui.board_debug import SERIAL_LIMITS, cannot_stop, mark_serial_limits
from w65tool.tui.listing import around_pc, instruction_at
from w65tool.tui.names import chip_names, in_rom, program_labels, rom_routine
from w65tool.tui.screens.file_picker import FilePicker
from w65tool.tui.screens.goto import GoToScreen
from w65tool.tui.screens.help import HelpScreen
from w65tool.tui.screens.port import PortScreen
from w65tool.tui.session import Session, View
from w65tool.tui.widgets.address_bar import AddressBar
from w65tool.tui.widgets.breakpoints import BreakpointBar
from w65tool.tui.widgets.console import ConsoleView
from w65tool.tui.widgets.disassembly import DisassemblyView
from w65tool.tui.widgets.hex_grid import HexGrid
from w65tool.tui.widgets.key_footer import KeyFooter
from w65tool.tui.widgets.leds import LedStrip
from w65tool.tui.widgets.memory import MemoryView
from w65tool.tui.widgets.registers import RegisterPanel
from w65tool.tui.widgets.run_controls import RunControls
from w65tool.tui.widgets.status_bar import StatusBar
from w65tool.tui.widgets.upload import UploadPanel
from w65tool.tui.widgets.watch import WatchPanel

PANELS = (
    ("disassembly", "Code"),
    ("memory", "Memory"),
    ("watch", "Watch"),
    ("console", "Console"),
    ("upload", "Upload"),
)
"""The panels, in tab order; at small sizes one shows at a time."""

EMULATOR_ACTIONS = frozenset(
    {"run", "stop", "step", "step_over", "step_out", "focus_breakpoint", "reset", "lap"}
)

CODE_LINES = 48
"""Disassembly lines read around PC (the view shows as many as fit)."""

FOLLOW_SECONDS = 0.5
"""How often the views follow a running emulated board."""

SOURCE_BEFORE = 4
"""Source lines shown above the PC's line."""

JSL_WAIT = 30.0
"""Seconds a JSL may take before the TUI reports that the code did not return."""


WATCH_KINDS = {"w": "write", "r": "read", "rw": "access"}
"""The Break field's watchpoint commands (`w ADDR`, `r ADDR-END`, `rw ADDR`): the accesses."""


M = TypeVar("M", bound=Message)


def while_running(handler: Callable[[W65App, M], None]) -> Callable[[W65App, M], None]:
    """Drop a worker's message that arrives after the app began to shut down.

    A worker may post while the app exits; by then the screen's widgets are gone."""

    @functools.wraps(handler)
    def handle(app: W65App, message: M) -> None:
        if app.is_running:
            handler(app, message)

    return handle


class W65App(App[None]):
    """The `w65 tui` application over one target; see `make_app`."""

    CSS_PATH = "w65.tcss"
    TITLE = "w65 tui"
    ENABLE_COMMAND_PALETTE = False
    AUTO_FOCUS = "#disassembly"  # the keys stay free for the bindings (? for help)
    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]]] = [(0, "-narrow"), (120, "-wide")]
    VERTICAL_BREAKPOINTS: ClassVar[list[tuple[int, str]]] = [(0, "-short"), (40, "-tall")]

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1,question_mark", "help", "Help", tooltip="this list of keys"),
        Binding("f2", "jump('jml')", "JML", tooltip="start the code at Address (monitor G)"),
        Binding("f3", "jump('jsl')", "JSL", tooltip="call Address, wait for its RTL (monitor J)"),
        Binding("f4", "get", "Get", tooltip="read registers, code and memory again"),
        Binding("f5", "run", "Run", tooltip="let the program run (on a board: to a breakpoint)"),
        Binding("f6", "stop", "Stop", tooltip="emulator: halt the board"),
        Binding("f7", "step", "Step", tooltip="execute one instruction"),
        Binding("f8", "step_over", "Over", tooltip="step, over a JSR or JSL call"),
        Binding("f11", "step_out", "Out", tooltip="emulator: run until this routine returns"),
        Binding("f9", "focus_breakpoint", "Break", tooltip="to the Break field"),
        Binding("f10", "upload", "Upload", tooltip="upload the file in the Upload field"),
        Binding("f12", "reset", "Reset", tooltip="emulator: reset the chip (monitor banner)"),
        Binding("ctrl+l", "lap", "Lap", tooltip="emulator: start the lap cycle count again"),
        Binding("ctrl+o", "browse", "Open", tooltip="pick a file to upload"),
        Binding("ctrl+n", "next_panel", "Panel", tooltip="code, memory, watch, console, upload"),
        Binding("ctrl+g", "focus_address", "Addr", tooltip="to the Address field"),
        Binding("ctrl+r", "reconnect", "Reconnect", tooltip="open the port again, or another"),
        Binding("ctrl+q", "quit", "Quit", priority=True, tooltip="leave w65 tui"),
    ]

    def __init__(
        self,
        target: Target,
        *,
        symbols: Mapping[str, int] | None = None,
        running: bool | None = None,
        connect: Callable[[], Target] | None = None,
        program: str | None = None,
        force: bool = False,
    ) -> None:
        super().__init__()
        self.force = force  # uploads go where the memory map forbids (w65 tui --force)
        self.session = Session(target, connect)
        self.session.running = (
            self.session.emulated
            and not self.session.by_brk  # a real board's program is started with JML
            and (running is None or running)
        )
        self.given_symbols: dict[str, int] = dict(symbols or {})
        self.program_symbols: dict[str, int] = {}  # the labels of the program last uploaded
        self.debug_map: DebugMap | None = None  # its source lines, where known
        self.program = program
        self._following = False
        self._memory_queued = False  # a read of the memory window waits for the line
        self.busy: str | None = None  # what holds the line for long ("uploading"), or None
        self.lap_start = 0  # the cycle count the lap counts from (Ctrl+L)
        self._cycles: int | None = None  # the last count shown
        self.code_anchor: int | None = None  # the code view shows this place, not the PC
        self.watch_expressions: list[inspect.Expression] = []  # read by the workers

    @property
    def symbols(self) -> dict[str, int]:
        """Every name the TUI knows: the chip's, those given at start, the program's labels."""
        return {**chip_names(), **self.given_symbols, **self.program_symbols}

    # -- layout ---------------------------------------------------------------------------
    def get_default_screen(self) -> Screen:
        """The main screen, classed `-emulated` or `-board` from its first styling (a class
        set once it is mounted would restyle every widget on it)."""
        return Screen(id="_default", classes="-emulated" if self.session.emulated else "-board")

    def compose(self) -> ComposeResult:
        with Horizontal(id="top"):
            yield RegisterPanel(id="registers")
            with Vertical(id="controls"):
                yield AddressBar(id="address-bar")
                yield RunControls(id="run-controls", classes="emulator-only")
                yield BreakpointBar(id="breakpoint-bar", classes="emulator-only")
                yield LedStrip(id="leds", classes="emulator-only")
        yield Tabs(*(Tab(title, id=f"tab-{name}") for name, title in PANELS), id="panel-tabs")
        with Container(id="panels"):
            yield DisassemblyView(id="disassembly", classes="panel")
            yield MemoryView(id="memory", classes="panel")
            yield WatchPanel(id="watch", classes="panel")
            yield ConsoleView(id="console", classes="panel")
            yield UploadPanel(id="upload", classes="panel")
        yield StatusBar(id="status")
        yield KeyFooter()

    def on_mount(self) -> None:
        session = self.session
        self._grid = self.query_one(HexGrid)  # workers read its window from their threads
        self.query_one("#controls").border_title = "Control"
        status = self.query_one(StatusBar)
        status.target = session.target.description
        status.state = self._state_name()
        self.query_one(RunControls).running = session.running
        self.query_one(RegisterPanel).running = session.running
        self._share_symbols()
        if session.emulated:
            self.post_message(msg.BreakpointsShown(frozenset(session.target.breakpoints)))
        if session.by_brk:
            mark_serial_limits(self)
        self._show_panel("disassembly")
        self.pump()
        self.set_interval(FOLLOW_SECONDS, self._follow)
        if self.program:
            self.query_one(UploadPanel).path = self.program
            self._set_busy("uploading")
            self.upload(self.program)
        else:
            self.refresh_views()

    def _state_name(self) -> str:
        session = self.session
        if not session.connected:
            return "disconnected"
        if session.by_brk and not session.running and not session.in_program:
            return "connected"  # the monitor at its prompt: no program started yet
        if session.emulated:
            return "running" if session.running else "halted"
        return "connected"

    # -- panels at small sizes -------------------------------------------------------------
    def _show_panel(self, name: str) -> None:
        for panel_name, _ in PANELS:
            self.query_one(f"#{panel_name}").set_class(panel_name == name, "-current")
        self.query_one(Tabs).active = f"tab-{name}"

    @on(Tabs.TabActivated, "#panel-tabs")
    def _tab(self, event: Tabs.TabActivated) -> None:
        self._show_panel((event.tab.id or "").removeprefix("tab-"))

    def action_next_panel(self) -> None:
        names = [name for name, _ in PANELS]
        current = next(n for n in names if self.query_one(f"#{n}").has_class("-current"))
        following = names[(names.index(current) + 1) % len(names)]
        self._show_panel(following)
        self.query_one(f"#{following}").focus()

    # -- busy -----------------------------------------------------------------------------
    def refused(self, what: str) -> bool:
        """True (and a word said) when a long operation holds the line: `what` must wait."""
        if self.busy is None:
            return False
        self.notify(f"{what}: busy {self.busy}, try again when it ends", severity="warning")
        return True

    def _set_busy(self, what: str | None) -> None:
        self.busy = what
        status = self.query_one(StatusBar)
        status.state = f"busy: {what}" if what else self._state_name()

    # -- errors and notices ---------------------------------------------------------------
    def show_error(self, text: str) -> None:
        """Put an error in the status bar and a notification."""
        self.query_one(StatusBar).error = text
        self.notify(text, severity="error", timeout=6)

    @contextmanager
    def reporting(self, what: str) -> Iterator[None]:
        """In a worker: turn a failure of `what` into a `TargetFailed` message."""
        try:
            yield
        except PortLost as err:
            self.session.mark_lost()
            self.post_message(
                msg.TargetFailed(f"{what}: connection lost: {err.message}", lost=True)
            )
        except W65Error as err:
            text = err.message if err.message.startswith("Failed") else f"{what}: {err.message}"
            self.post_message(msg.TargetFailed(text + (f" ({err.hint})" if err.hint else "")))
        except OSError as err:
            self.session.mark_lost()
            reason = err.strerror or str(err) or type(err).__name__
            self.post_message(msg.TargetFailed(f"{what}: connection lost: {reason}", lost=True))

    def accepted(self) -> None:
        """A command was taken: the error of an earlier one no longer stands."""
        self.query_one(StatusBar).error = ""

    @while_running
    def on_target_failed(self, message: msg.TargetFailed) -> None:
        self.show_error(message.text)
        if message.lost:
            self.query_one(StatusBar).state = "disconnected"

    @while_running
    def on_done(self, message: msg.Done) -> None:
        self.query_one(StatusBar).error = ""
        self.notify(message.text, timeout=3)

    # -- workers: reading -----------------------------------------------------------------
    @work(thread=True, group="target", exit_on_error=False)
    def refresh_views(self, view: View | None = None) -> None:
        """Read registers, the code around PC and the memory window; post them."""
        with self.reporting("read the board"):
            self._read_views(view)

    def _read_views(self, view: View | None) -> None:
        session = self.session
        if view is None:
            view = session.registers()
        regs = view.registers
        with session.use() as target:
            message = self._read_code(target, regs)
            shown = self._read_memory_window(target)
            watched = self._read_watch(target, regs)
            # posted while the line is held, so results reach the UI in the order they were read
            self.post_message(msg.RegistersShown(view))
            self.post_message(message)
            self.post_message(shown)
            self.post_message(watched)

    def _read_watch(self, target: Target, regs) -> msg.WatchShown:
        """The watch expressions' values and the stack, with the registers `regs`."""
        values = [inspect.evaluate(e, regs, target.read_memory) for e in self.watch_expressions]
        labels = {address: name for name, address in self.program_symbols.items()}
        stack = inspect.stack_lines(regs, target.read_memory, labels)
        return msg.WatchShown(values, stack, regs.s)

    @work(thread=True, group="target", exit_on_error=False)
    def read_watch(self) -> None:
        """Read the watch expressions and the stack again."""
        with self.reporting("read watch"):
            view = self.session.registers()
            with self.session.use() as target:
                self.post_message(self._read_watch(target, view.registers))

    @on(WatchPanel.Typed)
    def _watch_typed(self, event: WatchPanel.Typed) -> None:
        text = event.text.strip()
        exprs = self.watch_expressions
        if text.lower() == "clear":
            exprs.clear()
        elif text.startswith("-"):
            gone = [e for e in exprs if e.text.lower() == text[1:].strip().lower()]
            if not gone:
                self.show_error(f"no watch expression {text[1:].strip()!r} to remove")
                return
            exprs.remove(gone[0])
        else:
            try:
                expression = inspect.parse(text, self.locate, self.symbols)
            except W65Error as err:
                self.show_error(err.message)  # what was typed stays, to be corrected
                return
            if all(e.text.lower() != expression.text.lower() for e in exprs):
                exprs.append(expression)
        self.query_one("#watch-input", Input).value = ""
        self.accepted()
        self.read_watch()

    @while_running
    def on_watch_shown(self, message: msg.WatchShown) -> None:
        self.query_one(WatchPanel).show(message.values, message.stack, message.s)

    def _read_code(self, target: Target, regs) -> msg.CodeShown:
        """The code around the view's place (the PC unless the user moved it)."""
        center = regs.pc if self.code_anchor is None else self.code_anchor
        lines = around_pc(
            target.read_memory, center, regs.p, regs.e, count=CODE_LINES, symbols=self.symbols
        )
        return self._code_shown(lines, regs.pc, center)

    @work(thread=True, group="target", exit_on_error=False)
    def read_code(self) -> None:
        """Read the code around the view's place again (the registers as they are)."""
        with self.reporting("read code"):
            view = self.session.registers()
            with self.session.use() as target:
                self.post_message(self._read_code(target, view.registers))

    def _code_shown(self, lines: list, pc: int, center: int) -> msg.CodeShown:
        """The code around `center`: the program's source where the debug map has it, else
        the disassembly (or what the emulated ROM is)."""
        debug = self.debug_map
        place = debug.place(center) if debug is not None else None
        if place is None or debug is None:
            return msg.CodeShown(lines, pc, self._rom_note(center, lines))
        at_pc = debug.place(pc)
        pc_line = at_pc.line if at_pc is not None and at_pc.file == place.file else 0
        source = debug.lines_around(place.file, place.line, SOURCE_BEFORE, CODE_LINES)
        return msg.CodeShown(lines, pc, "", source, place.file, pc_line)

    def _rom_note(self, where: int, lines: list) -> str:
        """What the code view says instead of the emulated ROM's trap bytes."""
        if not in_rom(where):
            return ""
        name = rom_routine(where) or "the monitor's code"
        if not self.session.by_brk:
            if not self.session.emulated:
                return ""
            return (
                f"{format_address(where)} in {name}: the ROM monitor is emulated here (its "
                "routines run inside w65, the ROM holds only their entry traps), so there is no "
                "65816 code to show. Run (F5) to let it go on, Stop (F6) when it is back in "
                "your program."
            )
        # Through a serial line the board may be `w65 sim`, whose ROM holds WDM traps (WDM is
        # the opcode WDC reserved for future use); a real board shows the ROM's own code.
        here = next((line for line in lines if line.address == where), None)
        if here is None or here.mnemonic != "wdm":
            return ""
        return (
            f"{format_address(where)} in {name}: this board's ROM monitor is emulated (w65 sim: "
            "its routines run inside w65, the ROM holds only their entry traps), so there is "
            "no 65816 code to show."
        )

    def _read_memory_window(self, target: Target) -> msg.MemoryShown:
        """The bytes the grid shows now (read late: the window may have moved meanwhile)."""
        self._memory_queued = False
        address, length = self._grid.window
        return msg.MemoryShown(address, read_window(target, address, length))

    @work(thread=True, group="target", exit_on_error=False)
    def read_memory(self) -> None:
        """Read the memory window once the line is free; post it."""
        with self.reporting("read memory"), self.session.use() as target:
            self.post_message(self._read_memory_window(target))

    def _follow(self) -> None:
        """While the emulated board runs, keep the views in step (one read at a time)."""
        if self.session.running and not self.session.by_brk and not self._following:
            self._following = True
            self.follow_views()

    @work(thread=True, group="target", exit_on_error=False)
    def follow_views(self) -> None:
        try:
            with self.reporting("read the board"):
                self._read_views(None)
        finally:
            self._following = False

    # -- workers: the pump ----------------------------------------------------------------
    @work(thread=True, group="pump", exit_on_error=False)
    def pump(self) -> None:
        """Run the emulated board and carry console bytes and lamps to the UI, for ever."""
        worker = get_current_worker()
        was_running = self.session.running
        while not worker.is_cancelled:
            try:
                result = self.session.pump()
            except W65Error as err:
                self.post_message(msg.TargetFailed(f"console: {err.message}"))
                continue
            if result.console:
                self.post_message(msg.ConsoleReceived(result.console))
            if result.leds is not None:
                self.post_message(msg.LedsShown(result.leds))
            if result.lost is not None:
                reason = getattr(result.lost, "strerror", None) or str(result.lost)
                self.post_message(msg.TargetFailed(f"connection lost: {reason}", lost=True))
            if result.halted or result.running != was_running:
                self.post_message(msg.RunStateChanged(result.running, result.halted))
            was_running = result.running

    @while_running
    def on_console_received(self, message: msg.ConsoleReceived) -> None:
        self.query_one(ConsoleView).received(message.data)

    @while_running
    def on_leds_shown(self, message: msg.LedsShown) -> None:
        self.query_one(LedStrip).leds = message.leds

    @while_running
    def on_run_state_changed(self, message: msg.RunStateChanged) -> None:
        self.query_one(RunControls).running = message.running
        self.query_one(RegisterPanel).running = message.running
        self.query_one(StatusBar).state = self._state_name()
        if not message.running and message.reason:  # a run ended: show where
            if message.reason != "stop requested":
                self.notify(f"halted: {message.reason}", timeout=3)
            self.follow_pc()
            self.refresh_views()
            self.post_message(msg.BreakpointsShown(*self._breakpoint_sets()))

    # -- showing results ------------------------------------------------------------------
    @while_running
    def on_registers_shown(self, message: msg.RegistersShown) -> None:
        panel = self.query_one(RegisterPanel)
        panel.live = message.view.live
        panel.registers = message.view.registers
        self._cycles = message.view.cycles
        self._show_cycles()

    def _show_cycles(self) -> None:
        cycles = self._cycles
        if cycles is not None:
            lap = cycles - self.lap_start
            self.query_one(StatusBar).cycles = f"cycles {cycles:,}  lap {lap:,}"

    def action_lap(self) -> None:
        """Start the lap count from the cycles shown now."""
        if self.session.by_brk:
            self.show_error(f"Lap: {SERIAL_LIMITS['cycle counts']}")
        elif self._emulator_only("Lap") and self._cycles is not None:
            self.lap_start = self._cycles
            self._show_cycles()

    @while_running
    def on_code_shown(self, message: msg.CodeShown) -> None:
        view = self.query_one(DisassemblyView)
        view.pc = message.pc
        view.note = message.note
        view.show_source(message.source, message.source_file, message.pc_line)
        view.lines = message.lines

    @while_running
    def on_memory_shown(self, message: msg.MemoryShown) -> None:
        grid = self._grid
        if (message.address, len(message.values)) == grid.window:
            grid.set_values(message.address, message.values)
        # else the grid moved after the read: a read of its new window is on its way

    @while_running
    def on_breakpoints_shown(self, message: msg.BreakpointsShown) -> None:
        self.query_one(DisassemblyView).breakpoints = message.addresses
        bar = self.query_one(BreakpointBar)
        bar.off = message.disabled
        bar.addresses = message.addresses

    @while_running
    def on_watches_shown(self, message: msg.WatchesShown) -> None:
        self.query_one(BreakpointBar).watches = message.watches

    def _share_symbols(self) -> None:
        self.query_one(DisassemblyView).set_symbols(self.symbols)
        bar = self.query_one(BreakpointBar)
        bar.set_symbols(self.symbols)
        bar.debug_map = self.debug_map

    # -- registers ------------------------------------------------------------------------
    @on(RegisterPanel.Edited)
    def _register_edited(self, event: RegisterPanel.Edited) -> None:
        self.write_registers({event.name: event.value})

    @on(RegisterPanel.Invalid)
    def _register_invalid(self, event: RegisterPanel.Invalid) -> None:
        self.show_error(event.reason)

    @on(RegisterPanel.RefreshRequested)
    def _get_pressed(self) -> None:
        self.refresh_views()

    def action_get(self) -> None:
        self.accepted()
        self.refresh_views()

    @work(thread=True, group="target", exit_on_error=False)
    def write_registers(self, values: dict[str, int]) -> None:
        names = ", ".join(n.upper() for n in values)
        with self.reporting(f"set {names}"):
            view = self.session.write_registers(values)
            self._read_views(view)
            self.post_message(msg.Done(f"{names} set"))

    # -- memory ---------------------------------------------------------------------------
    @on(HexGrid.WindowChanged)
    def _window(self) -> None:
        # one read waiting for the line is enough: it reads the window as it is by then
        if not self._memory_queued:
            self._memory_queued = True
            self.read_memory()

    @on(MemoryView.GoRequested)
    def _memory_go(self, event: MemoryView.GoRequested) -> None:
        try:
            address = resolve(event.text, self.symbols)
        except W65Error as err:
            self.show_error(err.message)
            return
        self.accepted()
        self.query_one(MemoryView).show(address)
        self.query_one(HexGrid).focus()

    @on(HexGrid.ByteEdited)
    def _byte_edited(self, event: HexGrid.ByteEdited) -> None:
        self.write_byte(event.address, event.value)

    @work(thread=True, group="target", exit_on_error=False)
    def write_byte(self, address: int, value: int) -> None:
        with self.reporting(f"write ${address:06X}"):
            with self.session.use() as target:
                target.write_memory(address, bytes([value]))
            self._read_views(None)

    # -- JML and JSL ----------------------------------------------------------------------
    def action_jump(self, kind: str) -> None:
        if not self.refused(kind.upper()):
            self.query_one(AddressBar).jump(kind)

    def action_focus_address(self) -> None:
        self.query_one("#address", Input).focus()

    @on(AddressBar.Jump)
    def _jump(self, event: AddressBar.Jump) -> None:
        if self.refused(event.kind.upper()):
            return
        try:
            address = resolve(event.text, self.symbols)
        except W65Error as err:
            self.show_error(f"{event.kind.upper()}: {err.message}")
            return
        self.accepted()
        self.query_one(StatusBar).state = "busy"
        self.jump(event.kind, address)

    @work(thread=True, group="target", exit_on_error=False)
    def jump(self, kind: str, address: int) -> None:
        """JML (start and let run) or JSL (call and wait for the RTL) at `address`."""
        where = format_address(address)
        session = self.session
        with self.reporting(f"{kind.upper()} {where}"):
            if kind == "jml":
                with session.use() as target:
                    target.jml(address)
                if session.emulated:
                    session.started(True)
                    session.run()
                self.post_message(msg.RunStateChanged(session.running))
                self.post_message(msg.Done(f"JML {where}: started"))
                return
            with session.use() as target:
                regs = target.jsl(address, timeout=JSL_WAIT)
                output = target.last_program_output()
            session.started(False)
            if output:
                self.post_message(msg.ConsoleReceived(output + b"\r"))
            self.post_message(msg.Done(f"JSL {where}: returned"))
            self.post_message(msg.RegistersShown(View(regs, False)))
        self.post_message(msg.RunStateChanged(session.running))

    # -- run control (emulated board) -----------------------------------------------------
    @on(RunControls.Command)
    def _command(self, event: RunControls.Command) -> None:
        getattr(self, f"action_{event.command}")()

    def action_reset(self) -> None:
        if self._emulator_only("Reset") and not self.refused("Reset"):
            self.accepted()
            self.reset_board()

    @work(thread=True, group="target", exit_on_error=False)
    def reset_board(self) -> None:
        """The chip's reset; the board runs on so that the monitor prints its banner."""
        session = self.session
        self.call_from_thread(self.follow_pc)
        with self.reporting("reset"):
            self._read_views(session.reset())
            self.post_message(msg.RunStateChanged(session.running))
            self.post_message(msg.Done("reset: the monitor starts again"))

    def _emulator_only(self, what: str) -> bool:
        if not self.session.emulated:
            self.show_error(f"{what} needs the emulated board (w65 tui --sim)")
        return self.session.emulated

    def action_run(self) -> None:
        if self._emulator_only("Run") and not self.refused("Run") and not self.session.running:
            self.accepted()
            self.control("run")

    def action_stop(self) -> None:
        if self.session.by_brk:
            self.show_error(f"Stop: {cannot_stop(self.session.target)}")
        elif self._emulator_only("Stop"):
            self.session.stop()

    def action_step(self) -> None:
        if self._emulator_only("Step") and not self.refused("Step"):
            self.accepted()
            self.control("step")

    def action_step_out(self) -> None:
        if self._emulator_only("Step out") and not self.refused("Step out"):
            self.accepted()
            self.control("step_out")

    def action_step_over(self) -> None:
        if self._emulator_only("Step over") and not self.refused("Step over"):
            self.accepted()
            self.control("step_over")

    @work(thread=True, group="target", exit_on_error=False)
    def control(self, command: str) -> None:
        """Run, step or step over on the emulated board."""
        session = self.session
        self.call_from_thread(self.follow_pc)
        with self.reporting(command.replace("_", " ")):
            if command == "run":
                session.run()
            elif command == "step":
                self._read_views(session.step())
            elif command == "step_out":
                view, why = session.step_out()
                self._read_views(view)
                if why == "budget":
                    self.post_message(msg.TargetFailed("step out: the routine did not return"))
                elif why.startswith("watchpoint"):
                    self.post_message(msg.Done(f"step out stopped: {why}"))
            else:

                def line_at(target: Target, regs) -> tuple[str, int]:
                    line = instruction_at(target.read_memory, regs.pc, regs.p, regs.e)
                    return line.mnemonic, line.size

                self._read_views(session.step_over(line_at))
        self.post_message(msg.RunStateChanged(session.running))

    # -- the code view's place ------------------------------------------------------------
    def follow_pc(self) -> None:
        """The code view follows the PC again (after a step, a stop, a reset)."""
        self.code_anchor = None
        self.query_one(DisassemblyView).cursor = None

    def locate(self, text: str, what: str = "address") -> int:
        """An address from hex, a symbol or file:line (see `addresses.locate`)."""
        return locate(text, self.symbols, self.debug_map, what)

    def show_code_at(self, address: int) -> None:
        """Show the code at `address` with the cursor on it."""
        self.code_anchor = address
        self.query_one(DisassemblyView).cursor = address
        self.read_code()

    @on(DisassemblyView.Reanchor)
    def _reanchor(self, event: DisassemblyView.Reanchor) -> None:
        self.code_anchor = event.address
        self.read_code()

    @on(DisassemblyView.BackToPc)
    def _back_to_pc(self) -> None:
        self.follow_pc()
        self.read_code()

    @on(DisassemblyView.GoToRequested)
    def _go_to_requested(self) -> None:
        def chosen(address: int | None) -> None:
            if address is not None:
                self.show_code_at(address)

        self.push_screen(GoToScreen(self.locate), chosen)

    @on(DisassemblyView.RunToCursor)
    def _run_to_cursor(self, event: DisassemblyView.RunToCursor) -> None:
        if self._emulator_only("Run to cursor") and not self.refused("Run to cursor"):
            self.accepted()
            self.run_to(event.address)

    @work(thread=True, group="target", exit_on_error=False)
    def run_to(self, address: int) -> None:
        """Run until the PC reaches `address` (a temporary breakpoint)."""
        with self.reporting(f"run to {format_address(address)}"):
            self.session.run_to(address)
            self.post_message(msg.BreakpointsShown(*self._breakpoint_sets()))
        self.post_message(msg.RunStateChanged(self.session.running))

    def _breakpoint_sets(self) -> tuple[frozenset[int], frozenset[int]]:
        """The armed and the disabled breakpoints, as the user set them (without the
        temporary one of a step over or a run to cursor)."""
        session = self.session
        armed = set(session.target.breakpoints) - session.temporary()
        return frozenset(armed), frozenset(session.disabled)

    # -- breakpoints ----------------------------------------------------------------------
    def action_focus_breakpoint(self) -> None:
        if self._emulator_only("Breakpoints"):
            self.query_one("#breakpoint", Input).focus()

    @on(BreakpointBar.Toggled)
    def _breakpoint_typed(self, event: BreakpointBar.Toggled) -> None:
        text = event.text.strip()
        kind, _, rest = text.partition(" ")
        if kind.lower() in WATCH_KINDS and rest.strip():
            target = self.session.target
            if not target.can("watchpoints"):
                self.show_error(
                    f"no watchpoints on {target.description}: {target.why_not('watchpoints')}"
                )
                return
            try:
                first, last = self._range(rest)
            except W65Error as err:
                self.show_error(err.message)
                return
            self.query_one("#breakpoint", Input).value = ""
            self.accepted()
            self.manage_watch(Watch(first, last, WATCH_KINDS[kind.lower()]))
            return
        command = "toggle"
        if text.lower() == "clear":
            command, text = "clear", ""
        elif text[:1] in ("!", "-"):
            command, text = ("disable" if text[0] == "!" else "delete"), text[1:]
        address = 0
        if command != "clear":
            try:
                address = self.locate(text, "breakpoint")
            except W65Error as err:
                self.show_error(err.message)  # what was typed stays, to be corrected
                return
        known = self.session.disabled | set(self.session.target.breakpoints)
        if command in ("disable", "delete") and address not in known:
            self.show_error(f"no breakpoint at {format_address(address)} to {command}")
            return
        inside = self._inside_instruction(address)
        if command == "toggle" and address not in known and inside:
            self.show_error(inside)  # what was typed stays, to be corrected
            return
        self.query_one("#breakpoint", Input).value = ""
        self.accepted()
        self.manage_breakpoint(command, address)

    def _inside_instruction(self, address: int) -> str:
        """Why a breakpoint cannot go at `address` when the program's debug map shows it
        inside the bytes of a line (an operand): the emulator would never stop there, and a
        board's BRK would change the operand. '' where it may go."""
        place = self.debug_map.place(address) if self.debug_map is not None else None
        if place is None or place.address == address:
            return ""
        where = f"{Path(place.file).name}:{place.line}"
        return (
            f"{format_address(address)} is inside the bytes of {where}, which start at "
            f"{format_address(place.address)}: a breakpoint goes on an instruction's first byte"
        )

    def _range(self, text: str) -> tuple[int, int]:
        """`ADDR` or `ADDR-END` (each hex, a symbol or file:line) as (first, last)."""
        low, dash, high = text.strip().partition("-")
        first = self.locate(low, "watchpoint")
        last = self.locate(high, "watchpoint") if dash else first
        if last < first:
            raise W65Error(f"bad watchpoint {text.strip()!r}: the end is before the start")
        return first, last

    @work(thread=True, group="target", exit_on_error=False)
    def manage_watch(self, watch: Watch) -> None:
        """Add the watchpoint, or remove it when it is set already."""
        session = self.session
        with self.reporting("watchpoint"):
            known = watch in session.watchpoints(session.target)
            watches = session.set_watch(watch, not known)
            self.post_message(msg.WatchesShown(watches))

    @on(DisassemblyView.BreakpointToggled)
    def _breakpoint_clicked(self, event: DisassemblyView.BreakpointToggled) -> None:
        if self._emulator_only("Breakpoints"):
            self.toggle_breakpoint(event.address)

    def toggle_breakpoint(self, address: int) -> None:
        """Add a breakpoint at `address`, or delete the one there."""
        self.manage_breakpoint("toggle", address)

    @work(thread=True, group="target", exit_on_error=False)
    def manage_breakpoint(self, command: str, address: int) -> None:
        """`toggle` (add or delete), `disable` (or arm again), `delete` one, or `clear` all."""
        session = self.session
        with self.reporting("breakpoint"):
            if command == "clear":
                session.clear_breakpoints()
                session.clear_watches()
                self.post_message(msg.WatchesShown(()))
            elif command == "disable":
                session.disable_breakpoint(address)
            else:
                known = address in session.target.breakpoints or address in session.disabled
                session.set_breakpoint(address, command == "toggle" and not known)
            self.post_message(msg.BreakpointsShown(*self._breakpoint_sets()))

    # -- console --------------------------------------------------------------------------
    @on(ConsoleView.Send)
    def _console_send(self, event: ConsoleView.Send) -> None:
        if self.session.emulated and not self.session.by_brk and not self.session.running:
            self.notify("the board is halted: Run (F5) lets the monitor answer", timeout=4)
        self.console_write(event.data)

    @work(thread=True, group="target", exit_on_error=False)
    def console_write(self, data: bytes) -> None:
        with self.reporting("console"), self.session.use() as target:
            target.console_write(data)

    # -- upload ---------------------------------------------------------------------------
    def action_upload(self) -> None:
        if not self.refused("Upload"):
            self.query_one(UploadPanel).request()

    def action_browse(self) -> None:
        if not self.refused("Open"):
            self.post_message(UploadPanel.BrowseRequested())

    @on(UploadPanel.BrowseRequested)
    def _browse(self) -> None:
        def chosen(path: str | None) -> None:
            if path:
                panel = self.query_one(UploadPanel)
                panel.path = path
                self._show_panel("upload")
                panel.request()

        self.push_screen(FilePicker(), chosen)

    @on(UploadPanel.UploadRequested)
    def _upload_requested(self, event: UploadPanel.UploadRequested) -> None:
        if self.refused("Upload"):
            return
        self._set_busy("uploading")
        self._show_panel("upload")
        self.query_one(UploadPanel).started(f"loading {event.path} …")
        self.upload(event.path)

    @work(thread=True, group="target", exit_on_error=False)
    def upload(self, path: str) -> None:
        """Read (or assemble) the file, load it, verify it; post progress and the result."""
        from w65tool.asm import AsmError

        try:
            if not path.strip():
                raise W65Error("no file given: type a path or press Browse")
            program = read_program(path)
            text = self._load(program)
            labels = program_labels(program.symbols, program.image)
            self.debug_map = program.debug_map  # read by the workers from now on
        except AsmError as err:
            # errors first: they are why nothing was loaded; warnings follow
            ordered = sorted(err.diagnostics, key=lambda d: d.severity not in ("error", "fatal"))
            self.post_message(msg.UploadFinished(AsmError(ordered).render(), False, err.message))
        except W65Error as err:
            if isinstance(err, PortLost):
                self.session.mark_lost()
                self.post_message(msg.TargetFailed(f"upload: {err.message}", lost=True))
            self.post_message(msg.UploadFinished(err.render(), False, err.message))
        except OSError as err:
            self.session.mark_lost()
            reason = err.strerror or str(err)
            self.post_message(msg.TargetFailed(f"upload: connection lost: {reason}", lost=True))
            self.post_message(msg.UploadFinished(f"upload failed: {reason}", False, reason))
        else:
            summary = text.splitlines()[0]
            self.post_message(msg.UploadFinished(text, True, summary, labels, program.entry))

    def _load(self, program: Program) -> str:
        image = program.image

        def sending(done: int, total: int) -> None:
            self.post_message(msg.UploadProgress(done, total, "sending"))

        def verifying(done: int, total: int) -> None:
            self.post_message(msg.UploadProgress(done, total, "verifying"))

        forced = ""
        with self.session.use() as target:
            try:
                target.load(image, sending)
            except MemoryMapError as err:  # raised before anything is stored
                if not self.force:
                    err.hint = f"{err.hint}; w65 tui --force uploads it anyway"
                    raise
                forced = f"warning: --force: {err.message}"
                target.load(image, sending, force=True)
            verifying(0, len(image))
            mismatches = target.verify(image, verifying)
        if mismatches:
            shown = "\n".join(str(m) for m in mismatches[:8])
            more = f"\n… and {len(mismatches) - 8} more" if len(mismatches) > 8 else ""
            raise W65Error(f"verify found {len(mismatches)} bytes that differ:\n{shown}{more}")
        ranges = ", ".join(
            f"{format_address(start)}-{format_address(start + len(data) - 1)}"
            for start, data in image.segments()
        )
        lines = [f"loaded and verified {len(image)} bytes: {ranges}"]
        if program.entry is not None:
            lines.append(f"entry {format_address(program.entry)} (in Address: F2 JML, F3 JSL)")
        lines += program.warnings
        if forced:
            lines.append(forced)
        return "\n".join(lines)

    @while_running
    def on_upload_progress(self, message: msg.UploadProgress) -> None:
        self.query_one(UploadPanel).progress(message.done, message.total, message.phase)
        self.query_one(StatusBar).state = f"busy: {message.phase}"

    @while_running
    def on_upload_finished(self, message: msg.UploadFinished) -> None:
        self._set_busy(None)
        self.query_one(UploadPanel).finished(message.text, message.ok)
        if not message.ok:
            self.show_error(message.summary)
            return
        self.program_symbols = dict(message.symbols)  # the last program's names go with it
        self._share_symbols()
        if message.entry is not None:
            self.query_one(AddressBar).text = format_address(message.entry)
        self.query_one(StatusBar).error = ""
        self.notify(message.summary, timeout=3)
        self.refresh_views()

    # -- connection -----------------------------------------------------------------------
    def action_reconnect(self) -> None:
        if self.session.connect is None:
            self.show_error("this target cannot be reopened")
            return

        def chosen(port: str | None) -> None:
            if port is not None:
                self.reconnect(port or None)

        self.push_screen(PortScreen(self.session.target.description), chosen)

    @work(thread=True, group="target", exit_on_error=False)
    def reconnect(self, port: str | None = None) -> None:
        """Open the target again, on `port` when given, else as at start."""
        with self.reporting("reconnect"):
            self.post_message(msg.Reconnected(*self.session.reconnect(port)))

    @while_running
    def on_reconnected(self, message: msg.Reconnected) -> None:
        status = self.query_one(StatusBar)
        status.target = message.description
        status.state = self._state_name()
        status.error = ""
        self.notify(f"connected to {message.description}", timeout=3)
        if message.left_behind:
            self.show_error(f"reconnect: {message.left_behind}")
        self.refresh_views()

    # -- help and quitting ----------------------------------------------------------------
    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            return
        code = [b for b in DisassemblyView.BINDINGS if isinstance(b, Binding)]
        grid = [b for b in HexGrid.BINDINGS if isinstance(b, Binding)]
        sections = [("Keys", list(self.BINDINGS)), ("Code view", code), ("Memory grid", grid)]
        self.push_screen(HelpScreen(sections))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Run control and breakpoints exist only on the emulated board: hide their keys."""
        return self.session.emulated or action not in EMULATOR_ACTIONS

    def on_unmount(self) -> None:
        self.workers.cancel_group(self, "pump")
        self.session.close()


def read_window(target: Target, address: int, length: int) -> list[int | None]:
    """`length` bytes from `address`, None for those in the I/O window (never read)."""
    from w65tool.chip import IO_FIRST, IO_LAST

    values: list[int | None] = [None] * length
    end = address + length
    for lo, hi in ((address, min(end, IO_FIRST)), (max(address, IO_LAST + 1), end)):
        if lo < hi:
            values[lo - address : hi - address] = target.read_memory(lo, hi - lo)
    return values


def make_app(
    target: Target,
    *,
    symbols: Mapping[str, int] | None = None,
    running: bool | None = None,
    connect: Callable[[], Target] | None = None,
    program: str | None = None,
    force: bool = False,
) -> W65App:
    """The TUI over `target`.

    `symbols` names addresses (name -> value); `running` (emulated board only) says whether
    the board starts running, as a powered board does (the default), or halted; `connect`
    reopens the target after a lost connection (Ctrl+R); `program` is a file to upload at
    start; `force` lets uploads reach places the board's memory map forbids, each saying so."""
    return W65App(
        target, symbols=symbols, running=running, connect=connect, program=program, force=force
    )
