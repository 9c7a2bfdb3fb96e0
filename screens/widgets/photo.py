"""A student's photo drawn in the terminal with half-block characters (R10)."""

from __future__ import annotations

import io

from PIL import Image, UnidentifiedImageError
from rich_pixels import HalfcellRenderer, Pixels
from textual.widgets import Static

from frontdesk.i18n import _


class StudentPhoto(Static):
    """The photo, scaled to fit ``width`` cells; a calm line when there is none."""

    DEFAULT_CSS = """
    StudentPhoto { width: auto; height: auto; margin: 0 2 0 0; }
    """

    def __init__(self, photo: bytes | None, *, width: int = 24) -> None:
        super().__init__(id="student-photo")
        self.cells_wide = width
        self.has_picture = False
        """Whether a picture is drawn (rather than the "no photo" line)."""
        self.show_photo(photo)

    def show_photo(self, photo: bytes | None) -> None:
        """Draw ``photo`` instead (``None``: the "no photo" line)."""
        drawing = self._drawing(photo, self.cells_wide)
        self.has_picture = isinstance(drawing, Pixels)
        self.update(drawing)

    @staticmethod
    def _drawing(photo: bytes | None, width: int) -> Pixels | str:
        if photo is None:
            return _("No photo on file")
        try:
            with Image.open(io.BytesIO(photo)) as opened:
                rgb = opened.convert("RGB")
            height = max(2, round(rgb.height * width / rgb.width))
            scaled = rgb.resize((width, height + height % 2))
            pixels: Pixels = Pixels.from_image(scaled, renderer=HalfcellRenderer())
            return pixels
        except (UnidentifiedImageError, OSError, ValueError):
            return _("No photo on file")
