"""The monitor TUI (`w65 tui`): a Textual app over any `Target`; build it with `make_app`."""

from w65tool.tui.app import W65App, make_app

__all__ = ["W65App", "make_app"]
