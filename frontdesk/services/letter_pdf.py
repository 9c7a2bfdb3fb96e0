"""The printed letter (L1): one page per guardian and student, in the guardian's language.

A page carries the district's name and logo, the guardian's and the student's names, what to
do in plain words, the code, its expiry, and a QR code of the web address that opens the
parent screens with the code filled in. The fonts ship with frontdesk (DejaVu, under
``data/fonts``): they hold every letter of the five languages, Vietnamese included.

The QR code goes in as a small 1-bit image rather than as drawn squares: ten thousand pages
keep about a kilobyte each for it instead of ten.
"""

from __future__ import annotations

import io
import os
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Final

from frontdesk.i18n import N_, format_date, gettext_in
from frontdesk.resources import data_dir

PAGE_FORMAT: Final = "letter"
"""US Letter: what a district's office printer holds."""
QR_SCALE: Final = 4
"""Pixels per QR module in the embedded image: sharp when printed at ~45 mm."""
_MARGIN: Final = 20.0
_QR_SIZE: Final = 46.0
_INDENT: Final = 7.0


@dataclass(frozen=True)
class Letterhead:
    """What every page of one district's letters shares."""

    district_name: str
    logo: str
    """The district's text-art logo (set in a fixed-width font)."""
    approves_at_once: bool
    """Whether a code links at once or the school checks the request first."""
    portal_url: str
    """The parent portal's address, printed for those who type it."""


@dataclass(frozen=True)
class LetterPage:
    """What one page says."""

    language: str
    guardian_name: str
    student_name: str
    school_name: str
    code: str
    """Grouped for reading: ``K7QM4-HXT2R-9WCPD``."""
    url: str
    """The QR code's payload: the portal with this code filled in."""
    issued: date
    expires: date


# The page's wording, translated per page (the guardian's language, not the operator's).
_TITLE = N_("Your letter code for {student}")
_DEAR = N_("Dear {guardian},")
_INTRO = N_(
    "With the code in this letter you can link {student} ({school}) to your parent account, "
    "without a visit to the school. We sent it by post to the address the school has on "
    "record for you."
)
_WHAT_TO_DO = N_("What to do")
_STEP_OPEN = N_("Open the parent portal: scan the QR code with your phone's camera, or go to {url}")
_STEP_SIGN_IN = N_("Sign in, or create your account if you do not have one yet.")
_STEP_ENTER = N_(
    'Choose "I have a letter code" and enter the code below. Capital or small letters, with '
    "or without dashes: all work."
)
_YOUR_CODE = N_("Your code")
_VALID_UNTIL = N_("Valid until {date}. It works once, and only for {student}.")
_AT_ONCE = N_("Once you enter it, you can see {student}'s school records right away.")
_CHECKED = N_("The school will check your request before you can see {student}'s school records.")
_PRIVATE = N_(
    "Keep this letter private: the code gives access to your child's school records. If you "
    "did not expect this letter, or your code was used by someone else, please call the school."
)
_ISSUED = N_("Issued {date}")


def fonts_dir() -> Path:
    """Where the letter's fonts are (with their licence)."""
    return data_dir() / "fonts"


class LetterWriter:
    """Builds one PDF of letters, page by page; :meth:`save` writes it."""

    def __init__(self, head: Letterhead) -> None:
        from fpdf import FPDF  # loaded only by those who print

        self.head = head
        pdf = FPDF(orientation="portrait", unit="mm", format=PAGE_FORMAT)
        pdf.set_auto_page_break(False)
        pdf.set_margins(_MARGIN, _MARGIN, _MARGIN)
        pdf.set_title(head.district_name)
        pdf.set_creator("frontdesk")
        fonts = fonts_dir()
        pdf.add_font("Sans", "", fonts / "DejaVuSans.ttf")
        pdf.add_font("Sans", "B", fonts / "DejaVuSans-Bold.ttf")
        pdf.add_font("Mono", "", fonts / "DejaVuSansMono.ttf")
        self.pdf = pdf
        self.pages = 0
        self._word_widths: dict[tuple[str, str, float], dict[str, float]] = {}

    def add(self, page: LetterPage) -> None:
        """Add the page of one letter."""
        pdf = self.pdf
        head = self.head
        language = page.language

        def t(msgid: str, **params: str) -> str:
            return gettext_in(language, msgid).format(**params)

        pdf.add_page()
        width = pdf.epw
        if head.logo.strip():
            pdf.set_font("Mono", size=6.5)
            for line in head.logo.splitlines():
                self._line(line, 3.1)
            pdf.ln(2)
        pdf.set_font("Sans", "B", 15)
        self._paragraph(head.district_name, width, 7)
        pdf.set_draw_color(120, 120, 120)
        pdf.line(_MARGIN, pdf.get_y() + 1, _MARGIN + width, pdf.get_y() + 1)
        pdf.ln(6)
        pdf.set_font("Sans", "", 11)
        self._line(page.guardian_name, 6)
        pdf.set_font("Sans", "", 9)
        self._line(t(_ISSUED, date=format_date(page.issued, "long", language)), 5)
        pdf.ln(5)
        pdf.set_font("Sans", "B", 14)
        self._paragraph(t(_TITLE, student=page.student_name), width, 7)
        pdf.ln(2)
        pdf.set_font("Sans", "", 11)
        self._paragraph(t(_DEAR, guardian=page.guardian_name), width, 5.5)
        pdf.ln(1)
        self._paragraph(t(_INTRO, student=page.student_name, school=page.school_name), width, 5.5)
        pdf.ln(4)
        pdf.set_font("Sans", "B", 12)
        self._line(t(_WHAT_TO_DO), 7)
        pdf.set_font("Sans", "", 11)
        steps = (t(_STEP_OPEN, url=head.portal_url), t(_STEP_SIGN_IN), t(_STEP_ENTER))
        for number, step in enumerate(steps, 1):
            pdf.cell(_INDENT, 5.5, f"{number}.")
            self._paragraph(step, width - _INDENT, 5.5, indent=_INDENT)
            pdf.ln(1)
        pdf.ln(4)
        # The code beside its QR code.
        top = pdf.get_y()
        text_width = width - _QR_SIZE - 6
        pdf.set_font("Sans", "B", 11)
        self._line(t(_YOUR_CODE), 6)
        pdf.set_font("Mono", size=22)
        pdf.set_draw_color(0, 0, 0)
        pdf.cell(text_width, 16, page.code, border=1, align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
        pdf.set_font("Sans", "", 10.5)
        expires = format_date(page.expires, "long", language)
        self._paragraph(t(_VALID_UNTIL, date=expires, student=page.student_name), text_width, 5.2)
        pdf.ln(1)
        after = _AT_ONCE if head.approves_at_once else _CHECKED
        self._paragraph(t(after, student=page.student_name), text_width, 5.2)
        bottom = pdf.get_y()
        left = _MARGIN + width - _QR_SIZE
        pdf.image(_qr_png(page.url), x=left, y=top, w=_QR_SIZE, h=_QR_SIZE)
        # The QR code's address in letters too, for a phone that cannot scan it.
        pdf.set_font("Mono", size=7)
        pdf.set_xy(_MARGIN, top + _QR_SIZE)
        pdf.cell(width, 3, page.url, align="R")
        pdf.set_y(max(bottom, top + _QR_SIZE + 3) + 8)
        pdf.set_font("Sans", "", 9.5)
        pdf.set_text_color(60, 60, 60)
        self._paragraph(t(_PRIVATE), width, 4.8)
        pdf.set_text_color(0, 0, 0)
        self.pages += 1

    def _line(self, text: str, height: float, indent: float = 0.0) -> None:
        """One line of text, then the next line at the left margin (plus ``indent``)."""
        pdf = self.pdf
        pdf.set_x(pdf.l_margin + indent)
        pdf.cell(text=text, h=height, new_x="LMARGIN", new_y="NEXT")

    def _paragraph(self, text: str, width: float, height: float, indent: float = 0.0) -> None:
        """``text`` broken into lines of at most ``width`` at spaces, flush left.

        fpdf2's own ``multi_cell`` measures a line again for every character added to it:
        most of a page's time. Words measured once per font, and lines made of them, cost
        a hundredth of that; the text is laid out the same way.
        """
        pdf = self.pdf
        font = (pdf.font_family, pdf.font_style, pdf.font_size_pt)
        widths = self._word_widths.setdefault(font, {})
        space = widths.get(" ")
        if space is None:
            space = widths[" "] = pdf.get_string_width(" ")
        line: list[str] = []
        used = 0.0
        for word in text.split():
            size = widths.get(word)
            if size is None:
                size = widths[word] = pdf.get_string_width(word)
            if line and used + space + size > width:
                self._line(" ".join(line), height, indent)
                line, used = [], 0.0
            used += (space if line else 0.0) + size
            line.append(word)
        self._line(" ".join(line), height, indent)

    def save(self, out: Path) -> None:
        """Write the PDF to ``out``: to a file beside it first, then renamed, so ``out`` is
        never a half-written PDF."""
        out.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
        try:
            with os.fdopen(fd, "wb") as file:
                file.write(bytes(self.pdf.output()))
            os.replace(name, out)
        except BaseException:
            Path(name).unlink(missing_ok=True)
            raise


def _qr_png(url: str) -> io.BytesIO:
    import segno

    image = io.BytesIO()
    segno.make_qr(url, error="m").save(image, kind="png", scale=QR_SCALE, border=4)
    image.seek(0)
    return image


def write_letters(head: Letterhead, pages: list[LetterPage], out: Path) -> None:
    """A PDF of ``pages`` at ``out``."""
    writer = LetterWriter(head)
    for page in pages:
        writer.add(page)
    writer.save(out)
