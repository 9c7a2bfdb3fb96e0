"""The queue's list: fixed columns of plain text, drawn a line at a time (Textual's line API).

Textual's DataTable renders every cell through Rich; redrawing the queue on each keystroke of
the filter cost a clerk a visible pause. Here a row is one pre-formatted string, so a redraw
is a few string slices.
"""

from __future__ import annotations

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from textual.binding import Binding
from textual.events import Click
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip


def widest(width: int, *texts: str) -> int:
    """``width``, or the widest of ``texts`` if wider: a column that fits every translated
    word it can show (a status, "yes"/"no")."""
    return max(width, *(cell_len(text) for text in texts))


class QueueTable(ScrollView, can_focus=True):
    """Rows of text under a header; ``enter`` (or a double click) selects the cursor's row."""

    DEFAULT_CSS = """
    QueueTable { height: 1fr; background: $surface; }
    QueueTable > .queue-table--header { text-style: bold; color: $text; background: $panel; }
    QueueTable > .queue-table--cursor { background: $block-cursor-blurred-background; }
    QueueTable:focus > .queue-table--cursor {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
        text-style: bold;
    }
    """
    COMPONENT_CLASSES = {"queue-table--header", "queue-table--cursor"}
    BINDINGS = [
        Binding("up", "move(-1)", show=False),
        Binding("down", "move(1)", show=False),
        Binding("pageup", "page(-1)", show=False),
        Binding("pagedown", "page(1)", show=False),
        Binding("home", "move_to(0)", show=False),
        Binding("end", "move_to(-1)", show=False),
        Binding("enter", "select", show=False),
    ]

    cursor: reactive[int] = reactive(0, always_update=True)
    """The index of the highlighted row."""

    class Selected(Message):
        """A row was chosen."""

        def __init__(self, table: QueueTable, key: str) -> None:
            super().__init__()
            self.table = table
            self.key = key

        @property
        def control(self) -> QueueTable:
            """The table the row was chosen in."""
            return self.table

    class Highlighted(Message):
        """The cursor moved to another row (or the rows were replaced)."""

        def __init__(self, table: QueueTable) -> None:
            super().__init__()
            self.table = table

        @property
        def control(self) -> QueueTable:
            """The table whose cursor moved."""
            return self.table

    def __init__(
        self, columns: list[tuple[str, int]], *, id: str | None = None, cursor: bool = True
    ) -> None:
        super().__init__(id=id)
        self.show_cursor = cursor
        # A header wider than its column widens it: no header is cut, in any language.
        self.columns = [(label, max(width, cell_len(label))) for label, width in columns]
        """Each column's header and width (cells)."""
        self._widths = [width for _, width in self.columns]
        self._header = self._format([label for label, _ in columns])
        self._keys: list[str] = []
        self.cells: list[list[str]] = []
        """The rows' cells as given (what tests read)."""
        self._lines: list[str] = []

    def _format(self, cells: list[str]) -> str:
        return (
            " "
            + " ".join(set_cell_size(c, w) for c, w in zip(cells, self._widths, strict=True))
            + " "
        )

    @property
    def row_count(self) -> int:
        """How many rows the table holds."""
        return len(self._keys)

    @property
    def cursor_key(self) -> str | None:
        """The key of the highlighted row."""
        return self._keys[self.cursor] if self._keys else None

    def set_rows(self, rows: list[tuple[str, list[str]]]) -> None:
        """Replace every row (``(key, cells)``), cursor and scroll back at the top."""
        self._keys = [key for key, _ in rows]
        self.cells = [cells for _, cells in rows]
        self._lines = [self._format(cells) for cells in self.cells]
        self.virtual_size = Size(len(self._header), len(rows) + 1)
        self.scroll_to(0, 0, animate=False, immediate=True)
        self.cursor = 0
        self.refresh()

    def validate_cursor(self, cursor: int) -> int:
        return max(0, min(cursor, len(self._keys) - 1))

    def watch_cursor(self) -> None:
        visible = max(1, self.size.height - 1)  # less the header
        top = int(self.scroll_y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + visible:
            self.scroll_to(y=self.cursor - visible + 1, animate=False, immediate=True)
        self.refresh()
        self.post_message(self.Highlighted(self))

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.size.width
        base = self.rich_style
        if y == 0:
            style = self.get_component_rich_style("queue-table--header")
            return Strip([Segment(self._header, style)]).crop_extend(
                scroll_x, scroll_x + width, style
            )
        index = scroll_y + y - 1
        if index >= len(self._lines):
            return Strip.blank(width, base)
        cursor = self.show_cursor and index == self.cursor
        style = self.get_component_rich_style("queue-table--cursor") if cursor else base
        return Strip([Segment(self._lines[index], style)]).crop_extend(
            scroll_x, scroll_x + width, style
        )

    def action_move(self, step: int) -> None:
        """Move the cursor up or down."""
        self.cursor += step

    def action_page(self, pages: int) -> None:
        """Move the cursor a screenful."""
        self.cursor += pages * max(1, self.size.height - 2)

    def action_move_to(self, index: int) -> None:
        """Put the cursor on the first (0) or last (-1) row."""
        self.cursor = index if index >= 0 else len(self._keys) - 1

    def action_select(self) -> None:
        """Choose the highlighted row."""
        if self.cursor_key is not None:
            self.post_message(self.Selected(self, self.cursor_key))

    def on_click(self, event: Click) -> None:
        index = int(self.scroll_y) + event.y - 1
        if 0 <= index < len(self._keys):
            self.cursor = index
            if event.chain >= 2:
                self.action_select()
