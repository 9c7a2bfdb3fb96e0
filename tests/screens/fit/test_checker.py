"""The fit checker and the made-up languages: each kind of misfit is found, fitting text is
not reported, and the languages are what the fit tests take them to be."""

from __future__ import annotations

from math import ceil

import pytest
from textual.app import App, ComposeResult
from textual.containers import Container, Horizontal, VerticalScroll
from textual.widgets import Button, Checkbox, DataTable, Input, Label, Static

from frontdesk import i18n
from frontdesk.i18n import Msg, _, ngettext, set_language
from tests.screens.fit.checker import Misfit, misfits
from tests.screens.fit.locales import LONGEST, PAD, PSEUDO, lengthen, longest_messages

LONG = "a sentence long enough to need more than one line in a narrow box"


class Fixture(App[None]):
    """One widget of each kind, sized in CSS to fit or not."""

    CSS = """
    #narrow-label { width: 10; text-wrap: nowrap; text-overflow: ellipsis; }
    #one-row { width: 20; height: 1; }
    #wraps { width: 20; }
    #short-button { width: 12; height: 3; }
    #clipping { height: 2; overflow: hidden; }
    #scrolling { height: 2; }
    #overlapped { offset: -2 0; }
    #titled { border: round white; width: 16; height: 3; }
    #placeholder { width: 12; }
    #not-shown { display: none; width: 3; }
    #filler { height: 100; }
    """

    def compose(self) -> ComposeResult:
        yield Label("fits", id="fits")
        yield Label(LONG, id="narrow-label")
        yield Static(LONG, id="one-row")
        yield Static(LONG, id="wraps")
        yield Button("a long button label", id="short-button")
        with Container(id="clipping"):
            yield Label("first", id="first")
            yield Label("second", id="second")
            yield Label("below the box", id="below")
        with VerticalScroll(id="scrolling"):
            yield Label("first")
            yield Label("second")
            yield Label("reached by scrolling", id="reached")
        with Horizontal(classes="row", id="row"):
            yield Label("one", id="under")
            yield Label("two", id="overlapped")
        container = Container(id="titled")
        container.border_title = "a title much wider than its box"
        yield container
        yield Input(placeholder="a placeholder wider than the field", id="placeholder")
        yield Checkbox("ticked", id="checkbox")
        yield DataTable(id="table")
        yield Label(LONG, id="not-shown")
        yield Static(id="filler")  # the screen scrolls: that does not reach into #clipping

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("a very long heading", width=5)
        table.add_column("short")
        table.add_row("x", "y")


async def found_in_fixture() -> list[Misfit]:
    app = Fixture()
    async with app.run_test(size=(80, 60)) as pilot:
        await pilot.pause()
        return misfits(app.screen)


async def test_each_kind_of_misfit_is_found_and_nothing_else() -> None:
    found = {misfit.widget.split(" > ")[-1]: misfit for misfit in await found_in_fixture()}
    assert sorted(found) == sorted(
        [
            "Label#narrow-label",
            "Static#one-row",
            "Button#short-button",
            "Label#below",
            "Label#under",
            "Container#titled",
            "Input#placeholder",
            "DataTable#table",
        ]
    ), "\n".join(map(str, found.values()))
    assert "cut inside the widget" in found["Label#narrow-label"].problem
    assert "content area 10×1" in found["Label#narrow-label"].problem
    assert found["Static#one-row"].text == LONG
    assert "Container#clipping shows only rows" in found["Label#below"].problem
    assert "cannot scroll" in found["Label#below"].problem
    assert "overlaps" in found["Label#under"].problem
    assert "Label#overlapped" in found["Label#under"].problem
    assert "border title cut" in found["Container#titled"].problem
    assert "table cell cut: 19 columns in 5" in found["DataTable#table"].problem


def test_pseudo_makes_each_message_40_percent_longer_and_keeps_what_code_needs() -> None:
    message = "  Hello {name}, [b]{count:,}[/b] new {{items}}  "
    longer = lengthen(message)
    assert longer.startswith("  ") and longer.endswith("  ")
    assert longer.format(name="Ana", count=1200) == longer.replace("{name}", "Ana").replace(
        "{count:,}", "1,200"
    ).replace("{{", "{").replace("}}", "}")
    for kept in ("{name}", "[b]", "{count:,}", "[/b]", "{{", "}}"):
        assert kept in longer
    shown = len("Hello {name}, {count:,} new {{items}}")
    assert len(longer) - len(message) == ceil(shown * 0.4)
    assert lengthen("Staff PIN to leave kiosk mode") == "Stáff··· PÍN·· tó· léávé·· kíósk·· módé··"
    assert lengthen("{n}") == "{n}" + PAD * 2
    assert lengthen("") == ""


def test_the_made_up_languages_are_what_the_app_translates_into() -> None:
    set_language(PSEUDO)
    assert _("Back") == lengthen("Back")
    assert ngettext("{n} minute", "{n} minutes", 2) == lengthen("{n} minutes")
    assert str(Msg("Back")) == lengthen("Back")
    set_language(LONGEST)
    assert _("Staff PIN to leave kiosk mode") == "PIN del personal para salir del modo quiosco"


def test_longest_takes_every_shipped_catalog(monkeypatch: pytest.MonkeyPatch) -> None:
    longest = longest_messages()
    for language in i18n.shipped_languages():
        catalog = i18n.translation(language)
        for msgid in ("Back", "Staff PIN to leave kiosk mode", "Submit"):
            assert len(longest[msgid]) >= len(catalog.gettext(msgid))
    # Whatever languages are shipped are taken: without Spanish, Haitian Creole's is longest.
    monkeypatch.setattr(i18n, "shipped_languages", lambda: ("en", "ht"))
    assert longest_messages()["Staff PIN to leave kiosk mode"] == i18n.gettext_in(
        "ht", "Staff PIN to leave kiosk mode"
    )
