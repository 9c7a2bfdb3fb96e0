"""A student's photo drawn in the terminal with half-block characters (R10)."""

from __future__ import annotations

import io

from PIL import Image, UnidentifiedImageError
from rich_pixels import HalfcellRenderer, Pixels
from textual.widgets import Static

from frontdesk.i18n import _


class StudentPhoto(Static):
    """The photo, scaled to fit ``width`` cells by ``height`` rows; a calm line when there is
    none."""

    DEFAULT_CSS = """
    StudentPhoto { width: auto; height: auto; margin: 0 2 0 0; }
    """

    def __init__(self, photo: bytes | None, *, width: int = 24, height: int = 12) -> None:
        super().__init__(id="student-photo")
        self.cells_wide = width
        self.rows_high = height
        self.has_picture = False
        """Whether a picture is drawn (rather than the "no photo" line)."""
        self.show_photo(photo)

    def show_photo(self, photo: bytes | None) -> None:
        """Draw ``photo`` instead (``None``: the "no photo" line)."""
        drawing = self._drawing(photo, self.cells_wide, self.rows_high)
        self.has_picture = not isinstance(drawing, str)
        if isinstance(drawing, str):
            self.styles.width = "auto"
            self.update(drawing)
        else:
            # Pixels tell the layout no width of their own: left "auto", the photo would take
            # the whole row and leave none for the name beside it.
            pixels, cells = drawing
            self.styles.width = cells
            self.update(pixels)

    @staticmethod
    def _drawing(photo: bytes | None, width: int, height: int) -> tuple[Pixels, int] | str:
        if photo is None:
            return _("No photo on file")
        try:
            with Image.open(io.BytesIO(photo)) as opened:
                rgb = opened.convert("RGB")
            # A cell is one pixel wide and two high (half blocks): fit the box, keep the shape.
            scale = min(width / rgb.width, 2 * height / rgb.height)
            cells = max(1, round(rgb.width * scale))
            pixels_high = max(2, round(rgb.height * scale))
            scaled = rgb.resize((cells, pixels_high + pixels_high % 2))
            return Pixels.from_image(scaled, renderer=HalfcellRenderer()), cells
        except (UnidentifiedImageError, OSError, ValueError):
            return _("No photo on file")
