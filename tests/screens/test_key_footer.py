"""The key hints: one line while they fit, more when they do not (a narrow terminal, a long
language), each hint whole on its line and each clickable where it is drawn."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.screen import Screen

from screens.widgets.key_footer import KeyFooter


class Keys(Screen[None]):
    BINDINGS = [
        Binding("f2", "press('record')", "Record check"),
        Binding("f3", "press('approve')", "Approve"),
        Binding("f4", "press('family')", "Approve family"),
        Binding("escape", "press('back')", "Back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.pressed: list[str] = []

    def compose(self) -> ComposeResult:
        yield KeyFooter()

    def action_press(self, what: str) -> None:
        self.pressed.append(what)


class KeysApp(App[None]):
    def on_mount(self) -> None:
        self.push_screen(Keys())


def lines(footer: KeyFooter) -> list[str]:
    return [strip.text.rstrip() for strip in footer.render_lines(footer.region.reset_offset)]


async def test_hints_that_do_not_fit_go_on_to_another_line_whole() -> None:
    app = KeysApp()
    async with app.run_test(size=(80, 10)) as pilot:
        await pilot.pause()
        footer = app.screen.query_one(KeyFooter)
        assert lines(footer) == [" f2 Record check  f3 Approve  f4 Approve family  esc Back"]
        await pilot.resize_terminal(40, 10)
        await pilot.pause()
        assert lines(footer) == [" f2 Record check  f3 Approve", " f4 Approve family  esc Back"]
        assert footer.region.y == 8  # docked at the bottom, two lines tall
        await pilot.click(KeyFooter, offset=(22, 1))  # "esc Back", on the second line
        await pilot.click(KeyFooter, offset=(22, 0))  # "f3 Approve", on the first
        assert isinstance(app.screen, Keys)
        assert app.screen.pressed == ["back", "approve"]
