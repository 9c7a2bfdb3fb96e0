"""The private Textual names ``screens/textual_compat.py`` uses, and the behaviour relied on,
still exist: after a Textual upgrade, this fails naming the hook, not somewhere in a screen."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import pytest
import textual
from textual import events, on
from textual.app import App, ComposeResult
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Label, Select, Static

from screens import textual_compat
from screens.textual_compat import CssState, hook_on


def switched_on(hook: str) -> pytest.MarkDecorator:
    """Skip a test of ``hook`` while ``FRONTDESK_HOOKS_OFF`` switches it off."""
    return pytest.mark.skipif(not hook_on(hook), reason=f"FRONTDESK_HOOKS_OFF={hook}")


def needs(hook: str, owner: object, name: str) -> None:
    """``owner`` (a class, or an object for what Textual sets in ``__init__``) still has the
    private ``name`` that ``hook`` relies on."""
    kind = owner if isinstance(owner, type) else type(owner)
    assert hasattr(owner, name), (
        f"textual_compat.{hook} relies on {kind.__name__}.{name}, which Textual "
        f"{textual.__version__} no longer has: rework or drop the hook"
    )


def broken(hook: str, what: str) -> str:
    return f"textual_compat.{hook}: {what} (Textual {textual.__version__}): rework or drop it"


class Shown(Screen[None]):
    def compose(self) -> ComposeResult:
        yield Static("first", id="text")


class Kept(Screen[None]):
    """A screen composed off screen; its own CSS is read when it is."""

    CSS = "Kept Label { width: 7; }"

    def compose(self) -> ComposeResult:
        yield Label("kept", id="kept")


class Counted(Screen[None]):
    """A screen that counts the times all its widgets are restyled."""

    restyles = 0

    def compose(self) -> ComposeResult:
        yield Label("restyled")

    def update_node_styles(self, animate: bool = True) -> None:
        self.restyles += 1  # what Screen._on_screen_resume calls to restyle every widget
        super().update_node_styles(animate)


class Restyled(Counted):
    """Restyled on coming back only when the CSS changed (as BaseScreen)."""

    styled_with: CssState | None = None

    @on(events.ScreenResume)
    def _keep_styles(self, event: events.ScreenResume) -> None:
        self.styled_with = textual_compat.restyle_only_if_css_changed(self, event, self.styled_with)


class Plain(App[None]):
    def on_mount(self) -> None:
        self.push_screen(Shown())


def test_textual_is_the_version_the_hooks_were_checked_with() -> None:
    pyproject = tomllib.loads(Path("pyproject.toml").read_text(encoding="utf-8"))
    pins = [d for d in pyproject["project"]["dependencies"] if d.startswith("textual")]
    pinned = re.fullmatch(r"textual==([\d.]+)", pins[0])
    assert pinned, f"Textual is not pinned to one version in pyproject.toml: {pins}"
    assert textual.__version__ == pinned.group(1), (
        f"Textual {textual.__version__} is installed, {pinned.group(1)} is pinned: run this "
        "file's tests and measure the hooks again before moving the pin"
    )


def test_hooks_are_switched_off_by_name() -> None:
    assert textual_compat._hooks_off(" restyle,paint ,") == {"restyle", "paint"}
    assert textual_compat._hooks_off("") == frozenset()
    with pytest.raises(ValueError, match="no such hook: restyel"):
        textual_compat._hooks_off("restyel")


@switched_on("mount")
async def test_mount_composes_a_screen_without_showing_it() -> None:
    needs("mount_off_screen", App, "_load_screen_css")
    needs("mount_off_screen", App, "_get_screen")
    app = Plain()
    async with app.run_test() as pilot:
        kept = Kept()
        app.install_screen(kept, "kept")
        textual_compat.mount_off_screen(app, kept)
        await pilot.pause()
        assert kept.is_running and kept.query_one("#kept").is_mounted, broken(
            "mount_off_screen", "the screen was not composed and mounted"
        )
        assert kept.query_one("#kept").styles.width is not None
        assert kept.query_one("#kept").styles.width.value == 7, broken(
            "mount_off_screen", "the screen's own CSS was not read"
        )
        assert isinstance(app.screen, Shown), broken("mount_off_screen", "the screen was shown")
        textual_compat.mount_off_screen(app, kept)  # mounted already: nothing happens
        await app.push_screen("kept")
        assert app.screen is kept


@switched_on("restyle")
async def test_a_screen_coming_back_is_restyled_only_when_the_css_changed() -> None:
    app = Plain()
    needs("css_state", app, "_css_update_count")
    async with app.run_test() as pilot:

        async def come_back(name: str) -> Counted:
            """Show the installed screen ``name`` again, after another."""
            await app.switch_screen(Shown())
            await app.switch_screen(name)
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, Counted)
            return screen

        app.install_screen(Counted(), "counted")
        app.install_screen(Restyled(), "restyled")
        for name in ("counted", "restyled"):
            await app.switch_screen(name)
            await pilot.pause()
        counted, restyled = await come_back("counted"), await come_back("restyled")
        assert counted.restyles == 2, broken(
            "restyle_only_if_css_changed", "Textual no longer restyles a screen that comes back"
        )
        assert restyled.restyles == 1, broken(
            "restyle_only_if_css_changed",
            "Screen._on_screen_resume restyled although the handler said refresh_styles=False",
        )
        assert restyled.styled_with == textual_compat.css_state(app)

        before = textual_compat.css_state(app)
        app.theme = "textual-light" if app.theme != "textual-light" else "textual-dark"
        await pilot.pause()
        assert textual_compat.css_state(app) != before, broken(
            "css_state", "App._css_update_count did not change with the theme"
        )
        assert (await come_back("restyled")).restyles == 2, broken(
            "restyle_only_if_css_changed", "a screen coming back after a new theme kept old styles"
        )


@switched_on("paint")
async def test_a_frame_is_painted_on_demand() -> None:
    needs("hand_changes_to_screen", Widget, "_check_refresh")
    needs("change_not_yet_painted", Widget(), "_repaint_required")
    needs("change_not_yet_painted", Widget(), "_layout_required")
    needs("paint_frame", Screen, "_on_timer_update")
    needs("observe_frames", App, "_display")
    app = Plain()
    needs("paint_frame", app, "_batch_count")
    frames: list[tuple[Screen[Any], bool]] = []
    async with app.run_test() as pilot:
        textual_compat.observe_frames(app, lambda screen, drawn: frames.append((screen, drawn)))
        await pilot.pause()
        screen = app.screen
        text = screen.query_one("#text", Static)

        # A widget hands its change to the screen when asked, not only when it idles.
        text.update("second")
        assert textual_compat.change_not_yet_painted(text)
        textual_compat.hand_changes_to_screen(screen)
        assert not textual_compat.change_not_yet_painted(text), broken(
            "hand_changes_to_screen", "Widget._check_refresh kept the change"
        )
        await pilot.pause()

        # The screen's frame step paints at once, with no await in between.
        screen.refresh()
        frames.clear()
        textual_compat.paint_frame(screen)
        assert frames == [(screen, True)], broken(
            "paint_frame", "Screen._on_timer_update painted no frame (or App._display is gone)"
        )
        # ...but not while Textual batches updates.
        screen.refresh()
        frames.clear()
        with app.batch_update():
            textual_compat.paint_frame(screen)
            assert frames == [], broken("paint_frame", "a frame was painted inside a batch")

        textual_compat.paint_now(screen)
        await pilot.pause()
        assert str(text.render()) == "second"


async def test_test_probes_read_selects_and_notifications() -> None:
    app = Plain()
    needs("notification_messages", app, "_notifications")
    async with app.run_test() as pilot:
        select: Select[int] = Select([("One", 1), ("Two", 2)], id="choice")
        needs("select_choices", select, "_options")
        await app.screen.mount(select)
        app.notify("Saved.")
        await pilot.pause()
        assert ("Two", 2) in textual_compat.select_choices(select), broken(
            "select_choices", "Select._options no longer holds (prompt, value) pairs"
        )
        assert textual_compat.notification_messages(app) == ["Saved."], broken(
            "notification_messages", "App._notifications no longer holds the notifications"
        )


async def test_a_screen_forgets_the_widgets_its_queries_found() -> None:
    app = Plain()
    async with app.run_test() as pilot:
        screen = app.screen
        needs("forget_queries", screen, "_query_one_cache")
        old = screen.query_one("#text", Static)
        await screen.recompose()
        await pilot.pause()
        assert screen.query_one("#text", Static) is not old
        cache = screen._query_one_cache
        held = [cache.get(key) for key in list(cache.keys())]  # an LRUCache: no __iter__
        assert old in held, broken(
            "forget_queries", "the query cache no longer keeps what a recompose removed"
        )
        textual_compat.forget_queries(screen)
        assert len(cache) == 0, broken("forget_queries", "LRUCache.clear() left entries")
        assert screen.query_one("#text", Static) is not old


async def test_render_caches_keyed_by_instance_are_emptied() -> None:
    from textual._styles_cache import StylesCache
    from textual.filter import ANSIToTruecolor

    app = Plain()
    async with app.run_test() as pilot:
        await pilot.pause()
        inner_outer = StylesCache.get_inner_outer
        assert inner_outer.cache_info().currsize > 0, broken(
            "empty_render_caches", "StylesCache.get_inner_outer is no longer an lru_cache in use"
        )
        assert hasattr(ANSIToTruecolor.truecolor_style, "cache_clear"), broken(
            "empty_render_caches", "ANSIToTruecolor.truecolor_style is no longer an lru_cache"
        )
        textual_compat.empty_render_caches()
        assert inner_outer.cache_info().currsize == 0
        assert ANSIToTruecolor.truecolor_style.cache_info().currsize == 0


async def test_a_pool_thread_forgets_the_worker_it_ran() -> None:
    from textual.worker import active_worker, get_current_worker

    app = Plain()
    seen: dict[str, object] = {}

    def work() -> None:
        seen["during"] = get_current_worker()
        textual_compat.forget_worker_in_thread()
        seen["after"] = active_worker.get(None)

    async with app.run_test():
        worker = app.run_worker(work, thread=True)
        await worker.wait()
    assert seen["during"] is worker, broken(
        "forget_worker_in_thread", "a thread worker no longer sets active_worker in its thread"
    )
    assert seen["after"] is None
