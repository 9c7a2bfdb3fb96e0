"""The keys a screen offers, as one line along its bottom edge."""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text
from textual.widgets import Static


class KeyHints(Static):
    """``Esc Back``-style hints, already translated.

    Textual's ``Footer`` rebuilds a widget for each key whenever the focus moves; a kiosk
    screen's keys never change while it is shown, so one line of text does.
    """

    DEFAULT_CSS = """
    KeyHints { dock: bottom; height: 1; width: 100%; padding: 0 1; background: $panel; }
    """

    def __init__(self, hints: Iterable[tuple[str, str]]) -> None:
        line = Text()
        for key, description in hints:
            line.append(f" {key} ", style="bold reverse")
            line.append(f" {description}   ")
        super().__init__(line, id="key-hints")
