"""A labelled form field with room for its error message beside it."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import Label


class Field(Vertical):
    """A label, an input widget, and the message that says what is wrong with it."""

    DEFAULT_CSS = """
    Field { height: auto; margin-bottom: 1; }
    Field > .field-label { width: 100%; color: $text-muted; }
    Field > .field-error { width: 100%; color: $error; height: auto; display: none; }
    Field.-invalid > .field-error { display: block; }
    Field.-invalid > Input { border: tall $error; }
    """

    def __init__(self, label: str, control: Widget, *, name: str, error: str = "") -> None:
        super().__init__(id=f"field-{name}")
        self.field_name = name
        self._label = label
        self._control = control
        self._error = error

    def compose(self) -> ComposeResult:
        yield Label(self._label, classes="field-label")
        yield self._control
        yield Label(self._error, classes="field-error")
        self.set_class(bool(self._error), "-invalid")

    @property
    def control(self) -> Widget:
        """The input widget of the field."""
        return self._control

    def relabel(self, label: str) -> None:
        """Show ``label`` above the input instead."""
        self._label = label
        self.query_one(".field-label", Label).update(label)

    def show_error(self, message: str) -> None:
        """Show ``message`` beside the field (empty clears it)."""
        self.query_one(".field-error", Label).update(message)
        self.set_class(bool(message), "-invalid")
