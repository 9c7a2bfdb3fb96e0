"""Does every text on a screen fit where it is shown?

:func:`misfits` walks the widgets shown on a screen and reports each text a person cannot read
in full, whatever the cause:

* cut inside its own widget: wider than the widget with no wrapping, wrapped to more lines
  than the widget has, or ellipsized (the widget is drawn with ``render_lines`` and its text
  looked for, whitespace aside, in what is drawn);
* hidden by its containers: drawn outside what a container shows (its
  ``scrollable_content_region``) when that container cannot scroll there;
* covered: two sibling widgets on the same layer laid out over one another;
* a border title, or a table's column header or cell, cut short.

Each misfit names the widget, its text and its sizes.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual.content import Content
from textual.geometry import Region
from textual.screen import Screen
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import DataTable, Input, TextArea

from screens.desk.queue_table import QueueTable
from screens.widgets.key_footer import KeyFooter


@dataclass(frozen=True)
class Misfit:
    """A text that does not fit."""

    widget: str
    """Where it is: the widget and its nearest ancestors (``Vertical > Label#pin-prompt``)."""
    text: str
    problem: str
    """What is wrong, with the sizes (columns × rows)."""

    def __str__(self) -> str:
        return f"{self.widget}: {self.problem}\n      text: {self.text!r}"


def misfits(screen: Screen[Any]) -> list[Misfit]:
    """Every text shown on ``screen`` that does not fit."""
    found = _overlapping_children(screen)
    for widget in shown_widgets(screen):
        found += _cut(widget) + _hidden(widget) + _border_titles(widget) + _columns(widget)
        found += _overlapping_children(widget)
    return found


def report(screen: Screen[Any], found: list[Misfit]) -> str:
    """The misfits as an assertion message."""
    lines = [f"{len(found)} text(s) do not fit on {type(screen).__name__} at {screen.size}:"]
    return "\n".join([*lines, *(f"  - {misfit}" for misfit in found)])


# --- which widgets, which text ----------------------------------------------------------------


def shown_widgets(node: Widget) -> Iterator[Widget]:
    """The widgets under ``node`` that are displayed (with every ancestor) and visible."""
    for child in node.children:
        if isinstance(child, Widget) and child.display:
            if child.visible:
                yield child
            yield from shown_widgets(child)


def shown_text(widget: Widget) -> str:
    """The text ``widget`` draws in its content area, as plain text ("" if none or if it is not
    text: a container, a picture, a table, what a person typed)."""
    if isinstance(widget, Input):
        return "" if widget.value else widget.placeholder
    if isinstance(widget, TextArea):
        return "" if widget.text else str(widget.placeholder)
    if isinstance(widget, KeyFooter):
        return "".join(f" {hint.display} {hint.description} " for hint in widget.hints)
    if isinstance(widget, ScrollView) or type(widget).render is Widget.render:
        return ""  # drawn line by line (tables: see _columns), or a container's background
    if any(child.display for child in widget.children):
        return ""
    rendered = widget.render()
    if isinstance(rendered, Content | Text):
        return rendered.plain
    if isinstance(rendered, str):
        try:
            return Content.from_markup(rendered).plain
        except Exception:
            return rendered
    return ""


def describe(widget: Widget) -> str:
    """The widget and up to three ancestors, as CSS would name them."""
    chain = [widget, *widget.ancestors[:3]]
    names = []
    for node in reversed(chain):
        if isinstance(node, Screen) or not isinstance(node, Widget):
            continue  # the report names the screen
        classes = "".join(f".{name}" for name in sorted(node.classes) if not name.startswith("-"))
        names.append(node.css_identifier + classes)
    return " > ".join(names)


def _squeezed(text: str) -> str:
    return "".join(text.split())


def _drawn(widget: Widget) -> list[Strip]:
    """The widget as drawn, border and padding included."""
    return widget.render_lines(Region(0, 0, *widget.outer_size))


def _content(widget: Widget, drawn: list[Strip]) -> list[Strip]:
    """The lines of the widget's content area (border and padding cut off)."""
    gutter = widget.styles.gutter
    width, height = widget.outer_size
    rows = drawn[gutter.top : height - gutter.bottom]
    return [strip.crop(gutter.left, width - gutter.right) for strip in rows]


def _sizes(widget: Widget, text: str) -> str:
    """The widget's content area and what its text asks for."""
    width, height = widget.size
    one_line = max((cell_len(line) for line in text.splitlines()), default=0)
    sizes = f"content area {width}×{height}, the text is {one_line} columns on one line"
    if width and not isinstance(widget, ScrollView) and type(widget).render is not Widget.render:
        lines = widget.get_content_height(widget.container_size, widget.app.size, width)
        sizes += f", {lines} line(s) at {width} columns"
    return sizes


# --- the checks -------------------------------------------------------------------------------


def _cut(widget: Widget) -> list[Misfit]:
    """The widget's text is not all drawn in its own region."""
    text = shown_text(widget)
    if not text.strip():
        return []
    if not widget.outer_size.area:
        return [Misfit(describe(widget), text, "has no room at all (laid out 0 wide or high)")]
    drawn = _content(widget, _drawn(widget))
    if _squeezed(text) in _squeezed("".join(strip.text for strip in drawn)):
        return []
    shows = " / ".join(strip.text.strip() for strip in drawn if strip.text.strip())
    problem = f"cut inside the widget ({_sizes(widget, text)}); it shows {shows!r}"
    return [Misfit(describe(widget), text, problem)]


def _hidden(widget: Widget) -> list[Misfit]:
    """What a widget draws (text, a table, a picture) lies outside what its containers show,
    and no scrollbar reaches it. Containers are left to their children."""
    if not (shown_text(widget).strip() or isinstance(widget, ScrollView)):
        return []  # a container (its children are checked), a rule, a picture
    if not widget.outer_size.area:
        return []
    content = _content(widget, _drawn(widget))
    cells = _text_cells(content)
    if cells is None:
        return []
    text = shown_text(widget) or "\n".join(strip.text.rstrip() for strip in content).strip()
    box = cells.translate(widget.content_region.offset)
    lost: dict[str, str] = {}
    # Outward through the containers: each shows its content region. One that scrolls on an
    # axis can bring the text into its view, so beyond it only that view has to be seen; one
    # that cannot hides what lies outside (named once an axis, the nearest).
    for container in widget.ancestors:
        if not isinstance(container, Widget):
            break
        view = container.scrollable_content_region
        spans = {
            "columns": (box.x, box.right, view.x, view.right, container.allow_horizontal_scroll),
            "rows": (box.y, box.bottom, view.y, view.bottom, container.allow_vertical_scroll),
        }
        seen: dict[str, tuple[int, int]] = {}
        for axis, (start, end, low, high, scrolls) in spans.items():
            if start < low or end > high:
                if not scrolls and axis not in lost:
                    lost[axis] = (
                        f"{axis} {start}-{end - 1} drawn, but {describe(container)} shows only "
                        f"{axis} {low}-{high - 1} and cannot scroll"
                    )
                start, end = _within(start, end, low, high)
            seen[axis] = (start, end)
        (x1, x2), (y1, y2) = seen["columns"], seen["rows"]
        box = Region.from_corners(x1, y1, x2, y2)
    if not lost:
        return []
    problem = f"{'; '.join(lost.values())} ({_sizes(widget, text)})"
    return [Misfit(describe(widget), text, problem)]


def _within(start: int, end: int, low: int, high: int) -> tuple[int, int]:
    """The part of ``start``-``end`` inside ``low``-``high``; all of that if they do not meet
    (scrolled out of view: scrolled to, the text is somewhere in there)."""
    return (max(start, low), min(end, high)) if start < high and end > low else (low, high)


def _text_cells(content: list[Strip]) -> Region | None:
    """The smallest region (relative to the content area) holding every non-blank cell."""
    rows = [(y, strip.text) for y, strip in enumerate(content) if strip.text.strip()]
    if not rows:
        return None
    left = min(cell_len(line) - cell_len(line.lstrip()) for _, line in rows)
    right = max(cell_len(line.rstrip()) for _, line in rows)
    top, bottom = rows[0][0], rows[-1][0]
    return Region(left, top, right - left, bottom - top + 1)


def _box(region: Region) -> str:
    return f"columns {region.x}-{region.right - 1}, rows {region.y}-{region.bottom - 1}"


def _border_titles(widget: Widget) -> list[Misfit]:
    """A border title or subtitle truncated (Textual ends it with "…")."""
    found = []
    drawn: list[Strip] | None = None
    for title, row in ((widget.border_title, 0), (widget.border_subtitle, -1)):
        text = str(Content.from_markup(title).plain) if isinstance(title, str) else ""
        if not text.strip():
            continue
        drawn = drawn or _drawn(widget)
        if drawn and _squeezed(text) in _squeezed(drawn[row].text):
            continue
        width = widget.outer_size.width
        problem = f"border title cut: {cell_len(text)} columns in a border {width} wide"
        found.append(Misfit(describe(widget), text, problem))
    return found


def _columns(widget: Widget) -> list[Misfit]:
    """A table's column header or cell wider than its column (cut short)."""
    if isinstance(widget, QueueTable):
        widths = [width for _, width in widget.columns]
        rows = [[label for label, _ in widget.columns], *widget.cells]
    elif isinstance(widget, DataTable):
        widths = [
            column.get_render_width(widget) - 2 * widget.cell_padding
            for column in widget.columns.values()
        ]
        header = [column.label.plain for column in widget.columns.values()]
        cells = [widget.get_row_at(row) for row in range(widget.row_count)]
        rows = [header if widget.show_header else [], *[[_plain(c) for c in r] for r in cells]]
    else:
        return []
    return [
        Misfit(describe(widget), text, f"table cell cut: {cell_len(text)} columns in {width}")
        for row in rows
        for text, width in zip(row, widths, strict=False)
        if cell_len(text) > width
    ]


def _plain(cell: object) -> str:
    return cell.plain if isinstance(cell, Text | Content) else str(cell)


def _overlapping_children(widget: Widget) -> list[Misfit]:
    """Two children of ``widget`` laid out over one another (one hides the other's text)."""
    children = [
        child
        for child in widget.children
        if isinstance(child, Widget)
        and child.display
        and child.outer_size.area
        and not child.styles.is_docked  # beside the rest, over what scrolls under it
        and child.styles.position != "absolute"
        and child.styles.overlay != "screen"
    ]
    found = []
    for first, second in combinations(children, 2):
        if first.styles.layer != second.styles.layer:
            continue
        overlap = first.region.intersection(second.region)
        if overlap.area:
            text = shown_text(first) or shown_text(second)
            problem = f"overlaps {describe(second)} at {_box(overlap)}"
            found.append(Misfit(describe(first), text, problem))
    return found
