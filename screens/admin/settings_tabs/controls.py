"""Form controls that write what the administrator changes straight into the settings draft.

Each is given the one thing it edits (a function that stores its value), so the form never
reads its controls back by id. Their ``Changed`` message still bubbles up: the screen brings
its hints (preview, warnings, fallback flags) up to date with the draft then.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from textual.widgets import Checkbox, Input, Select, TextArea


class DraftInput(Input):
    """A text field whose every change is written to the draft."""

    def __init__(
        self,
        value: str,
        write: Callable[[str], None],
        *,
        id: str,
        placeholder: str = "",
        max_length: int = 0,
    ) -> None:
        super().__init__(value, placeholder=placeholder, id=id, max_length=max_length)
        self._write = write

    def on_input_changed(self, event: Input.Changed) -> None:
        """Store the new value (the message goes on to the screen)."""
        self._write(event.value)


class DraftCheckbox(Checkbox):
    """A check box whose every change is written to the draft."""

    def __init__(self, label: str, value: bool, write: Callable[[bool], None], *, id: str) -> None:
        super().__init__(label, value, id=id)
        self._write = write

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        """Store the new value (the message goes on to the screen)."""
        self._write(event.value)


class DraftSelect(Select[str]):
    """A choice (never blank) whose every change is written to the draft."""

    def __init__(
        self,
        options: Iterable[tuple[str, str]],
        value: str,
        write: Callable[[str], None],
        *,
        id: str,
    ) -> None:
        super().__init__(options, value=value, allow_blank=False, id=id)
        self._write = write

    def on_select_changed(self, event: Select.Changed) -> None:
        """Store the new choice (the message goes on to the screen)."""
        if isinstance(event.value, str):
            self._write(event.value)


class DraftTextArea(TextArea):
    """A text of several lines (the logo) whose every change is written to the draft."""

    def __init__(self, text: str, write: Callable[[str], None], *, id: str) -> None:
        super().__init__(text, soft_wrap=False, id=id)
        self._write = write

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        """Store the new text (the message goes on to the screen)."""
        self._write(self.text)
