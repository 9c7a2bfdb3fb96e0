"""Every parent screen on a phone (W1): about 43 columns in a browser. Nothing is wider than
the screen (no row of buttons or label runs past its right edge, nothing scrolls sideways),
and the welcome screen shows the district's name where its text-art logo would wrap."""

from __future__ import annotations

import pytest
from rich.cells import cell_len
from rich.text import Text
from textual.widget import Widget
from textual.widgets import Button, Checkbox, RadioButton

from frontdesk.db.engine import Database
from screens.kiosk.welcome import WelcomeScreen
from tests.screens.kiosk.helpers import kiosk, settle
from tests.screens.kiosk.test_snapshots_80x24 import SCREENS, a_parent_and_jose_with_a_photo

PHONE = (43, 40)


def too_wide(screen: Widget, columns: int) -> list[str]:
    """The shown widgets that run past the screen's right edge or scroll sideways, and the
    buttons whose label is cut (a button's label does not wrap)."""
    found = []
    for widget in screen.walk_children(Widget):
        if not widget.display or not widget.visible:
            continue
        if widget.region.width and widget.region.right > columns:
            found.append(f"{widget!r} ends at column {widget.region.right}")
        if widget.is_scrollable and widget.max_scroll_x > 0:
            found.append(f"{widget!r} scrolls sideways by {widget.max_scroll_x}")
        if isinstance(widget, Button) and widget.region.width:
            # A button's label wraps: cut when its lines need more rows than the button has.
            label = widget.label if isinstance(widget.label, Text) else Text(str(widget.label))
            width, height = widget.content_size.width, widget.content_size.height
            lines = label.wrap(screen.app.console, width, overflow="fold")
            if len(lines) > height:
                found.append(f"{widget!r}'s label {label.plain!r} is cut")
        if isinstance(widget, Checkbox | RadioButton) and widget.region.width:
            # One line: the box, a space and the label, or the label ends in "…".
            needed = cell_len(f"▐X▌ {widget.label.plain}")
            if needed > widget.content_size.width:
                found.append(f"{widget!r}'s label {widget.label.plain!r} is cut")
    return found


PARENT_SCREENS = [name for name in SCREENS if name != "staff_exit"]
LONGEST = ["welcome", "new_account", "add_child", "enrollment", "preferences", "forgot_password"]
"""The screens with the most text on them (and the most buttons)."""


@pytest.mark.parametrize(
    ("name", "language"),
    [(name, "en") for name in PARENT_SCREENS] + [(name, "vi") for name in LONGEST],
)
async def test_a_parent_screen_fits_a_phone(one_db: Database, name: str, language: str) -> None:
    """In English, and the longest screens in Vietnamese, whose words run longer."""
    parent = a_parent_and_jose_with_a_photo(one_db)
    app = kiosk(one_db)
    async with app.run_test(size=PHONE) as pilot:
        await settle(pilot)
        app.language = language
        await settle(pilot)
        app.parent_session = parent
        await SCREENS[name](app, parent, pilot)
        await settle(pilot)
        assert app.screen.has_class("-narrow")
        assert app.language == language
        assert too_wide(app.screen, PHONE[0]) == []


async def test_the_welcome_shows_the_district_name_where_the_logo_would_wrap(
    one_db: Database,
) -> None:
    app = kiosk(one_db)
    async with app.run_test(size=PHONE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, WelcomeScreen)
        assert not screen.query_one(".logo").display
        name = screen.query_one("#district-name")
        assert name.display and str(name.render()) == app.district.district_name
        await pilot.resize_terminal(100, 40)  # the phone turned, or a laptop
        await settle(pilot)
        assert screen.query_one(".logo").display and not name.display
        assert not screen.has_class("-narrow")
