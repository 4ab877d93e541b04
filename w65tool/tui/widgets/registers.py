"""The register panel: PC, A, X, Y, S, D, DBR as editable fields, the P flags (and E) as toggles."""

from __future__ import annotations

import re

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Button, Input, Label

from w65tool.target.base import Registers

FIELDS = (("pc", "PC", 6), ("a", "A", 4), ("x", "X", 4), ("y", "Y", 4))
FIELDS += (("s", "S", 4), ("d", "D", 4), ("dbr", "DBR", 2), ("p", "P", 2))
"""Register, label, hex digits; shown two to a row in this order."""

FLAGS = "NVMXDIZC"
"""The P bits from bit 7 down, as the datasheet names them."""


def format_value(name: str, value: int) -> str:
    """A register as the panel shows it: `00:2000` for PC, else fixed-width hex."""
    if name == "pc":
        return f"{value >> 16:02X}:{value & 0xFFFF:04X}"
    digits = dict((n, d) for n, _, d in FIELDS)[name]
    return f"{value:0{digits}X}"


PC_FORMS = re.compile(r"[0-9A-Fa-f]{2}:[0-9A-Fa-f]{4}|[0-9A-Fa-f]{1,6}")
"""PC as `BB:AAAA` (bank and address whole) or plain hex."""


def parse_value(name: str, text: str) -> int:
    """The value typed for a register; ValueError with a readable reason when it is bad."""
    typed = text.strip().removeprefix("$")
    label, digits = next((lab, d) for n, lab, d in FIELDS if n == name)
    if not typed:
        raise ValueError(f"{label}: nothing typed (a value in hex)")
    if name == "pc" and ":" in typed and not PC_FORMS.fullmatch(typed):
        raise ValueError(f"PC: {text.strip()!r} is not BB:AAAA (two bank digits, four address)")
    raw = typed.replace(":", "") if name == "pc" else typed
    try:
        value = int(raw, 16)
    except ValueError:
        raise ValueError(f"{label}: {text.strip()!r} is not hex") from None
    if value >> (4 * digits):
        raise ValueError(f"{label}: ${value:X} does not fit {digits} hex digits")
    return value


class RegisterPanel(Vertical):
    """Shows a `Registers`; edits post `RegisterPanel.Edited`, Get posts `RefreshRequested`."""

    BORDER_TITLE = "Registers"

    registers: reactive[Registers | None] = reactive(None, always_update=True)
    live: reactive[bool] = reactive(False)
    running: reactive[bool] = reactive(False)

    class Edited(Message):
        """The user set register `name` to `value` (P for a flag toggle)."""

        def __init__(self, name: str, value: int) -> None:
            super().__init__()
            self.name = name
            self.value = value

    class RefreshRequested(Message):
        """The user asked to read the registers again (Get)."""

    class Invalid(Message):
        """What the user typed is not a value for the register."""

        def __init__(self, reason: str) -> None:
            super().__init__()
            self.reason = reason

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._previous: Registers | None = None
        self._shown: dict[str, str] = {}  # what each field was last given

    def compose(self) -> ComposeResult:
        for row in range(0, len(FIELDS), 2):
            with Horizontal(classes="register-row"):
                for name, label, digits in FIELDS[row : row + 2]:
                    yield Label(label, classes="register-label")
                    yield Input(
                        id=f"reg-{name}",
                        classes="register",
                        compact=True,
                        max_length=digits + (1 if name == "pc" else 0),
                        restrict=r"[0-9A-Fa-f:$]*",
                        select_on_focus=True,
                    )
        with Horizontal(classes="register-row"):
            for bit, flag in enumerate(FLAGS):
                yield Button(
                    flag,
                    id=f"flag-{flag.lower()}",
                    classes="flag",
                    compact=True,
                    tooltip=f"P bit {7 - bit}: click to toggle",
                )
            yield Button("E", id="flag-e", classes="flag", compact=True, tooltip="emulation")
            yield Button("Get", id="get-registers", compact=True, tooltip="read again (F4)")

    def watch_live(self) -> None:
        self._say_where()

    def watch_running(self) -> None:
        self._say_where()

    def _say_where(self) -> None:
        """The titles say whose registers these are: the CPU's, or the monitor's saved."""
        self.border_title = "Registers (CPU)" if self.live else "Registers"
        if not self.live:
            self.border_subtitle = "saved by the monitor"
        else:
            self.border_subtitle = "running program" if self.running else "halted program"

    def watch_registers(self, regs: Registers | None) -> None:
        if regs is None or regs == self._previous:
            return  # the same values again: keep what the last change highlighted
        before = self._previous
        for name, _, _ in FIELDS:
            field = self.query_one(f"#reg-{name}", Input)
            value = getattr(regs, name)
            typing = field.has_focus and field.value != self._shown.get(name)
            if not typing:  # never overwrite what the user is typing
                field.value = self._shown[name] = format_value(name, value)
            field.set_class(before is not None and getattr(before, name) != value, "-changed")
        for bit, flag in enumerate(FLAGS):
            button = self.query_one(f"#flag-{flag.lower()}", Button)
            mask = 0x80 >> bit
            on = bool(regs.p & mask)
            button.label = flag if on else flag.lower()  # readable without colour: set = capital
            button.set_class(on, "-on")
            button.set_class(before is not None and (before.p ^ regs.p) & mask != 0, "-changed")
        e_button = self.query_one("#flag-e", Button)
        e_button.display = regs.e is not None
        e_button.label = "E" if regs.e else "e"
        e_button.set_class(bool(regs.e), "-on")
        e_button.set_class(before is not None and before.e != regs.e, "-changed")
        self._previous = regs

    @on(Input.Submitted, ".register")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        name = (event.input.id or "").removeprefix("reg-")
        try:
            value = parse_value(name, event.value)
        except ValueError as err:
            event.input.value = self._shown.get(name, "")  # the field keeps the register's value
            self.post_message(self.Invalid(str(err)))
            return
        event.input.value = self._shown[name] = format_value(name, value)
        self.post_message(self.Edited(name, value))

    @on(Button.Pressed, ".flag")
    def _flag(self, event: Button.Pressed) -> None:
        event.stop()
        regs = self.registers
        if regs is None:
            return
        letter = (event.button.id or "").removeprefix("flag-").upper()
        if letter == "E":
            self.post_message(self.Edited("e", 0 if regs.e else 1))
        else:
            self.post_message(self.Edited("p", regs.p ^ (0x80 >> FLAGS.index(letter))))

    @on(Button.Pressed, "#get-registers")
    def _get(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(self.RefreshRequested())
