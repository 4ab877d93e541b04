"""The footer: as many keys as fit whole in the terminal's width, in the app's order.

Textual's own footer draws every key and cuts the last ones at the screen's edge; this one
leaves out those that do not fit. F1 (or ?) lists every key."""

from __future__ import annotations

from collections.abc import Iterable

from textual import events
from textual.app import ComposeResult
from textual.compose import compose
from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._footer import FooterKey


def key_width(key: FooterKey) -> int:
    """Columns one key takes: the key and its description, each padded by a space."""
    return len(key.key_display) + len(key.description) + 3


def shown(widgets: Iterable[Widget]) -> list[tuple] | None:
    """What a row of footer keys shows (None when it holds anything but keys)."""
    keys = list(widgets)
    if not all(isinstance(key, FooterKey) for key in keys):
        return None
    return [
        (key.key, key.key_display, key.description, key.action, key.tooltip,
         frozenset(key.classes))
        for key in keys
    ]  # fmt: skip


class KeyFooter(Footer):
    """A `Footer` that shows only whole keys."""

    def compose(self) -> ComposeResult:
        room = self.app.size.width
        for key in super().compose():
            width = key_width(key) if isinstance(key, FooterKey) else 0
            if width > room:
                break  # the rest stay in the F1 list, in order, none half drawn
            room -= width
            if isinstance(key, FooterKey):
                # a key starts compact and its binding to the footer's `compact` then
                # unsets it: set it first, or each key restyles the screen twice a compose
                key.set_reactive(FooterKey.compact, self.compact)
            yield key

    async def recompose(self) -> None:
        """Compose again only when the keys to show are not those shown: the footer is
        recomposed at every change of focus, and unmounting and mounting twenty keys lays
        the screen out again even when they are the same."""
        if self.is_attached:
            now = shown(self.query_children("*").exclude(".-textual-system"))
            if now is not None and now == shown(compose(self)):
                return
        await super().recompose()

    def on_resize(self, event: events.Resize) -> None:
        self.refresh(recompose=True)
