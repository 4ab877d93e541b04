"""The W65C265S interrupt controller: one IRQB line to the core, a vector per source.

Sources are the timer flags (TIFR & TIER), the edge flags (EIFR & EIER) and the UART flags
(UIFR & UIER). The core's IRQ input is the OR of all of them. When the core takes the
interrupt it asks `vector_hook(kind, emulation)` where to fetch the vector; for an IRQ the
controller answers with the vector of the highest-priority pending source, in the order of
the vector table (T0 first, UART3 transmit last), in native mode at $FF80-$FFAE and in
emulation mode $40 higher. BRK, COP, ABORT and NMI have their own vectors in both modes.
"""

from __future__ import annotations

from collections.abc import Callable

from w65tool.board.registers import vector

_EDGE_NAMES = ("PE56", "NE57", "PE60", "PWM", "NE64", "NE66", "PIB", "IRQB")


class Interrupts:
    """Edge flags and enables, the IRQ line, and the vector of the source being served."""

    def __init__(
        self,
        timer_pending: Callable[[], int],
        uart_pending: Callable[[], int],
        set_irq: Callable[[bool], None],
    ) -> None:
        self._timer_pending = timer_pending
        self._uart_pending = uart_pending
        self._set_irq = set_irq
        self.reset()

    def reset(self) -> None:
        """All edge flags and enables clear."""
        self.eifr = 0
        self.eier = 0

    def update(self) -> None:
        """Drive the core's IRQ input from the flags and enables."""
        self._set_irq(bool(self._timer_pending() or self.eifr & self.eier or self._uart_pending()))

    def raise_edge(self, bit: int) -> None:
        """An edge (or the IRQB level) seen on a pin: sets EIFR bit `bit`."""
        self.eifr |= 1 << bit
        self.update()

    def write_eifr(self, value: int) -> None:
        """Writing 1 to an EIFR bit clears that flag."""
        self.eifr &= ~value & 0xFF
        self.update()

    def write_eier(self, value: int) -> None:
        """EIER: which edge flags raise an interrupt."""
        self.eier = value & 0xFF
        self.update()

    def pending_source(self) -> str | None:
        """The name of the highest-priority pending source (`T2`, `IRQB`, `U3RX`), if any."""
        timers = self._timer_pending()
        if timers:
            return f"T{(timers & -timers).bit_length() - 1}"
        edges = self.eifr & self.eier
        if edges:
            return _EDGE_NAMES[(edges & -edges).bit_length() - 1]
        uarts = self._uart_pending()
        if uarts:
            bit = (uarts & -uarts).bit_length() - 1
            return f"U{bit // 2}{'TX' if bit & 1 else 'RX'}"
        return None

    def vector_hook(self, kind: str, emulation: bool) -> int:
        """Where the core fetches the vector for `kind` (irq, nmi, brk, cop, abort)."""
        if kind == "irq":
            return vector(self.pending_source() or "IRQB", emulation)
        return vector(kind.upper(), emulation)
