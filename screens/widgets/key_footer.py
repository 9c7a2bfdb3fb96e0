"""The key hints at the bottom of a screen, drawn line by line by one widget.

Textual's Footer mounts a widget per key and recomposes them all whenever the bindings
change, which they do on every screen switch and every focus move: at the desk that cost more
than the rest of opening a request. This footer looks the same (same theme variables, same
spacing) but only repaints its line, and only when the hints it shows change. Hints that do
not fit on one line (a narrow terminal, a long language) go on to a second one, whole.
"""

from __future__ import annotations

from typing import NamedTuple

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.events import Click
from textual.geometry import Size
from textual.screen import Screen
from textual.strip import Strip
from textual.widget import Widget


class KeyHint(NamedTuple):
    """One key as the footer shows it."""

    key: str
    """What a click on it presses."""
    display: str
    description: str
    enabled: bool


class KeyFooter(Widget, can_focus=False):
    """The screen's shown bindings: the key, then what it does, side by side."""

    ALLOW_SELECT = False
    DEFAULT_CSS = """
    KeyFooter {
        dock: bottom;
        height: auto;
        color: $footer-foreground;
        background: $footer-background;
    }
    KeyFooter > .key-footer--item { background: $footer-item-background; }
    KeyFooter > .key-footer--key {
        color: $footer-key-foreground;
        background: $footer-key-background;
        text-style: bold;
    }
    KeyFooter > .key-footer--description {
        color: $footer-description-foreground;
        background: $footer-description-background;
    }
    """
    COMPONENT_CLASSES = {"key-footer--item", "key-footer--key", "key-footer--description"}

    def __init__(self) -> None:
        super().__init__()
        self._hints: list[KeyHint] = []
        self._spans: dict[int, list[tuple[int, int, str]]] = {}
        """Where each enabled key sits on each line: (start, end, key), for clicks."""

    @property
    def hints(self) -> list[KeyHint]:
        """The keys shown, in order."""
        return list(self._hints)

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self._bindings_changed(self.screen)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        if not self.is_attached or screen is not self.screen:
            return
        hints: list[KeyHint] = []
        seen: set[str] = set()
        for active in screen.active_bindings.values():
            binding = active.binding
            # One hint an action, as Footer shows it (the first key bound to it).
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            hints.append(
                KeyHint(
                    binding.key,
                    self.app.get_key_display(binding),
                    binding.description,
                    active.enabled,
                )
            )
        if hints != self._hints:
            self._hints = hints
            self.refresh(layout=len(self._lines(self.size.width)) != self.size.height)

    def _lines(self, width: int) -> list[list[KeyHint]]:
        """The hints line by line: as many whole hints as fit on each line."""
        lines: list[list[KeyHint]] = [[]]
        used = 0
        for hint in self._hints:
            needs = _width(hint)
            if lines[-1] and used + needs > width:
                lines.append([])
                used = 0
            lines[-1].append(hint)
            used += needs
        return lines

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._lines(width))

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self.rich_style
        lines = self._lines(width)
        if y >= len(lines):
            return Strip.blank(width, base)
        item = base + self.get_component_rich_style("key-footer--item")
        key_style = item + self.get_component_rich_style("key-footer--key")
        description_style = item + self.get_component_rich_style("key-footer--description")
        dim = Style(dim=True)
        segments: list[Segment] = []
        spans: list[tuple[int, int, str]] = []
        x = 0
        for hint in lines[y]:
            key_text, description = _texts(hint)
            extra = Style() if hint.enabled else dim
            segments.append(Segment(key_text, key_style + extra))
            if description:
                segments.append(Segment(description, description_style + extra))
            end = x + _width(hint)
            if hint.enabled:
                spans.append((x, end, hint.key))
            x = end
        self._spans[y] = spans
        return Strip(segments).crop_extend(0, width, base)

    def on_click(self, event: Click) -> None:
        for start, end, key in self._spans.get(event.y, []):
            if start <= event.x < end:
                self.app.simulate_key(key)
                return


def _texts(hint: KeyHint) -> tuple[str, str]:
    """What a hint shows: its key, then what the key does."""
    return f" {hint.display} ", f"{hint.description} " if hint.description else ""


def _width(hint: KeyHint) -> int:
    key_text, description = _texts(hint)
    return cell_len(key_text) + cell_len(description)
