"""The footer: as many keys as fit whole in the terminal's width, in the app's order.

Textual's own footer draws every key and cuts the last ones at the screen's edge; this one
leaves out those that do not fit. F1 (or ?) lists every key."""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey


def key_width(key: FooterKey) -> int:
    """Columns one key takes: the key and its description, each padded by a space."""
    return len(key.key_display) + len(key.description) + 3


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

    def on_resize(self, event: events.Resize) -> None:
        self.refresh(recompose=True)
