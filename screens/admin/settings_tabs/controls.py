"""Form controls that write what the administrator changes straight into the settings draft.

Each is given the one thing it edits (a function that stores its value), so the form never
reads its controls back by id. Their ``Changed`` message still bubbles up: the screen brings
its hints (preview, warnings, fallback flags) up to date with the draft then.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from textual.content import Content
from textual.geometry import Size
from textual.widget import Widget
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
    """A check box whose every change is written to the draft. Its label wraps: some are a
    sentence, wider than a narrow terminal in a long language."""

    # The label ends in a space of padding that wrapping lets hang past the edge: with an
    # ellipsis, a label one column too wide lost its last letter to "…"; clipped, the space.
    DEFAULT_CSS = """
    DraftCheckbox { max-width: 100%; height: auto; text-wrap: wrap; text-overflow: clip; }
    """

    def __init__(self, label: str, value: bool, write: Callable[[bool], None], *, id: str) -> None:
        super().__init__(label, value, id=id)
        self._write = write

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        # Textual's check box says it is one line tall whatever its label and width; Widget's
        # own measure counts the lines its content wraps to.
        return Widget.get_content_height(self, container, viewport, width)

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


class DraftText(TextArea):
    """A district text (a title, a message, a button's words), wrapped as it is typed: as tall
    as its wording, or, while it has none, as the default wording it shows in grey. An input
    of one line cut both short. Every change is written to the draft."""

    DEFAULT_CSS = """
    DraftText { height: auto; max-height: 12; }
    """

    def __init__(
        self,
        text: str,
        write: Callable[[str], None],
        *,
        id: str,
        placeholder: str,
        max_length: int,
    ) -> None:
        super().__init__(text, soft_wrap=True, placeholder=placeholder, id=id)
        self._write = write
        self.max_length = max_length

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        # Textual sizes a text area by its text as last wrapped, and not by its placeholder:
        # count both at the width offered (less the cursor's column at a line's end).
        shown = self.text or str(self.placeholder)
        wrap = max(1, width - 1)
        return sum(len(Content(line).wrap(wrap)) or 1 for line in shown.split("\n"))

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        """Store the new text (the message goes on to the screen); the height follows it.
        Typing stops at ``max_length``, as an input's does."""
        if len(self.text) > self.max_length:
            self.load_text(self.text[: self.max_length])
            self.move_cursor(self.document.end)
            return  # load_text says Changed again
        self._write(self.text)
        self.refresh(layout=True)
