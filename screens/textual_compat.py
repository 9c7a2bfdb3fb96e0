"""Every use of a private Textual name, in one place (Textual 8.2.8, pinned in pyproject.toml).

Each hook says what it buys and which public API was tried instead.
``tests/screens/test_textual_compat.py`` asserts that each private name and the behaviour relied
on still exist, so a Textual upgrade fails there, naming the hook, not somewhere in a screen.

Each hook can be switched off to measure what it is worth with the kiosk and desk benches:
``FRONTDESK_HOOKS_OFF=restyle,paint,mount,heap`` (any of them; read once, at import). A hook
switched off leaves Textual (or, for ``heap``, Python's collector) to do as it does by itself.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any, cast

from textual import events
from textual._styles_cache import StylesCache
from textual.app import App
from textual.filter import ANSIToTruecolor
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Select
from textual.worker import Worker, active_worker

HOOKS = frozenset({"restyle", "paint", "mount", "heap"})
"""The hooks ``FRONTDESK_HOOKS_OFF`` can switch off (``heap`` is ``screens.heap``'s)."""


def _hooks_off(value: str) -> frozenset[str]:
    named = frozenset(part.strip() for part in value.split(",") if part.strip())
    unknown = named - HOOKS
    if unknown:
        raise ValueError(
            f"FRONTDESK_HOOKS_OFF names no such hook: {', '.join(sorted(unknown))} "
            f"(known: {', '.join(sorted(HOOKS))})"
        )
    return named


HOOKS_OFF = _hooks_off(os.environ.get("FRONTDESK_HOOKS_OFF", ""))
"""The hooks switched off for this process."""


def hook_on(name: str) -> bool:
    """Whether the hook ``name`` is on (not named in ``FRONTDESK_HOOKS_OFF``)."""
    assert name in HOOKS, name
    return name not in HOOKS_OFF


# --- mount: a screen composed and mounted off screen -----------------------------------------


def mount_off_screen(app: App[Any], screen: Screen[Any]) -> None:
    """Compose and mount the installed ``screen`` now, without showing it: its first showing
    then costs no more than any other (the desk's queue and request views at sign-in, the
    kiosk's steps while the welcome screen waits).

    These are the steps ``App.push_screen`` takes for a screen that is not running yet
    (``App._load_screen_css``, ``App._get_screen``), without the push. Worth: the first
    kiosk step's first paint, 39 ms with it, 73 ms without (``bench --quick --only kiosk``,
    load 0.4, 2026-11-30). Public API
    tried: ``install_screen`` only registers the screen (it is composed on its first push);
    ``push_screen`` + ``pop_screen`` composes it but paints it and moves the focus, in front of
    the person; ``add_mode``/``switch_mode`` shows it too. Off: the screen is composed on its
    first push.
    """
    if not hook_on("mount") or screen.is_running:
        return
    app._load_screen_css(screen)
    app._get_screen(screen)


# --- restyle: a screen that comes back is restyled only when the CSS changed -----------------

CssState = tuple[int, int, int]
"""What a suspended screen's styles can go stale on (see ``css_state``)."""


def css_state(app: App[Any]) -> CssState:
    """The app's CSS as it is now: a new theme (Textual counts those in
    ``App._css_update_count``) and new rules (another screen's CSS read for the first time, a
    reloaded file). Public API tried: ``App.theme`` and ``theme_changed_signal`` tell a new
    theme but not a new ANSI palette, which Textual counts in the same place."""
    stylesheet = app.stylesheet
    return (app._css_update_count, id(stylesheet), len(stylesheet.source))


def restyle_only_if_css_changed(
    screen: Screen[Any], event: events.ScreenResume, styled_with: CssState | None
) -> CssState:
    """Tell Textual not to restyle ``screen`` as it comes back (``event.refresh_styles``)
    unless the app's CSS changed since it was last styled (``styled_with``); the CSS state to
    keep for next time.

    Textual restyles every widget of a screen each time it comes back: a third of the cost of
    showing the request view again. Whatever changes a widget's classes or state (focus,
    hover, disabled) restyles it there and then, even behind other screens, so only a change of
    the CSS itself calls for it. Worth: a kiosk step's first paint p95
    20 ms with it, 39 ms without; complete 77 ms against 131 ms (``bench --quick --only
    kiosk``, load 0.4, 2026-11-30). The event's ``refresh_styles`` is public; what is relied
    on is that
    ``Screen._on_screen_resume`` reads it after a subclass's handler ran (Textual calls the
    handlers down the class hierarchy, subclass first). Public API tried: none restyles a screen
    only when needed. Called from a ``ScreenResume`` handler of ``screen``'s class.
    """
    state = css_state(screen.app)
    if hook_on("restyle") and state == styled_with:
        event.refresh_styles = False
    return state


# --- paint: a frame painted as soon as its widgets are ready --------------------------------


def paint_now(screen: Screen[Any]) -> None:
    """Lay out and paint what changed on ``screen`` as soon as its widgets have told it,
    rather than at Textual's next frame slot.

    Textual paints at most 60 times a second, at fixed slots: an answer landing just after one
    waited up to 17 ms for the next. Each widget tells its screen what it needs repainted when
    it next idles (``Widget._check_refresh``): that is asked of them now; then, queued behind
    the messages that produces, the screen's own frame step runs
    (``Screen._on_timer_update``, unless Textual batches updates: ``App._batch_count``).
    Worth: the linked-child step's first paint p95 29 ms with
    it, 40 ms without; a kiosk step complete 77 ms against 85 ms (``bench --quick --only
    kiosk``, load 0.4, 2026-11-30). Public
    API tried: ``refresh()`` and ``App.refresh`` only mark what to paint at the next slot; a
    higher ``TEXTUAL_FPS`` paints every change more often, not the awaited one sooner. Off:
    Textual's next slot.
    """
    if not hook_on("paint"):
        return
    hand_changes_to_screen(screen)
    screen.call_later(paint_frame, screen)  # queued behind what the widgets just told it


def hand_changes_to_screen(screen: Screen[Any]) -> None:
    """Have every widget of ``screen`` tell it now what it needs repainted or laid out again,
    as each does when it next idles (``Widget._check_refresh``)."""
    for widget in screen.walk_children(Widget):
        widget._check_refresh()


def paint_frame(screen: Screen[Any]) -> None:
    """Lay out and paint what ``screen`` was told of, now (``Screen._on_timer_update``, what
    Textual's frame timer calls), if it is shown and Textual is not batching updates."""
    if screen.is_current and not screen.app._batch_count:
        screen._on_timer_update()


# --- queries: a kept screen forgets the widgets it found on its last visit ------------------


def forget_queries(screen: Screen[Any]) -> None:
    """Empty the cache of ``query_one`` results of ``screen`` and its widgets
    (``DOMNode._query_one_cache``).

    Textual keeps up to 1,024 results per node, keyed by how often the DOM under it changed; a
    kept screen that recomposes (a language switch, the portal at each visit) or mounts
    widgets makes new keys each time, and the old entries keep the widgets it removed, with
    their rendered lines, until 1,024 are reached: in a kiosk soak, the widgets alive that no
    screen held went from 20 to 74 in six parents (19 to 19 with this). Called as the screen
    leaves, so one visit's results at most are kept; the first queries of the next visit look
    the widgets up again (a walk of a few dozen widgets).
    Public API tried: none empties it; ``remove()`` does, which a kept screen is not.
    """
    screen._query_one_cache.clear()
    for widget in screen.walk_children(Widget):
        widget._query_one_cache.clear()


# --- caches that keep what is gone -----------------------------------------------------------


def empty_render_caches() -> None:
    """Empty two of Textual's render caches that keep objects long gone (called when the app
    collects its garbage, nobody waiting).

    ``StylesCache.get_inner_outer`` (``textual._styles_cache``) and
    ``ANSIToTruecolor.truecolor_style`` are ``functools.lru_cache`` on methods, 1,024 entries
    each, keyed by the instance: every widget ever painted keeps its ``StylesCache`` there, with
    its rendered lines and the pieces cut from them, until 1,024 later entries push it out (and
    every tint made its own filter). In a kiosk soak that was about 4,000 objects and 0.5 MiB
    a parent, until 1,024 widgets' worth. They refill with the next frames (a style or two per
    widget). Public API tried: none; the widgets themselves are freed.
    """
    StylesCache.get_inner_outer.cache_clear()
    ANSIToTruecolor.truecolor_style.cache_clear()


# --- workers: a pool thread forgets the work it ran -----------------------------------------


def forget_worker_in_thread() -> None:
    """Drop this pool thread's reference to the worker running in it (called by each service
    call's thread once its work is done, before it hands the answer to the UI).

    Textual sets ``textual.worker.active_worker`` (a ``ContextVar``) in the executor thread's
    context and never resets it. The idle thread then keeps the finished ``Worker``, its work
    and all the work was given (a parent's typed identifiers, the screen, the parent's session)
    until it runs another task; and ``call_from_thread`` runs the answer in a copy of that
    context, so a timer or task the answer starts keeps them for as long as it lives. A kiosk
    test found a parent's typed SSN digits alive after they signed out. Public API tried:
    none; ``Worker`` has no hook after the work, and ``get_current_worker`` only reads.
    """
    active_worker.set(cast(Worker[Any], None))


# --- probes for the benches and tests (not used by the app) ---------------------------------

FrameObserver = Callable[[Screen[Any], bool], None]
"""Called as the app writes a frame (after it is written): the screen, and whether the frame
had anything in it."""


def observe_frames(app: App[Any], observer: FrameObserver) -> None:
    """Have ``observer`` told of every frame the app writes (``App._display``): the benches'
    "on screen" is the frame, not Pilot's own wait for the event loop to go idle. Public API
    tried: none says when a frame is written (``screen_layout_refresh_signal`` tells a new
    layout, not a frame; ``screen_change_signal`` a new screen)."""
    display = app._display

    def recorded(screen: Screen[Any], renderable: Any) -> None:
        display(screen, renderable)
        observer(screen, renderable is not None)

    app._display = recorded  # type: ignore[method-assign]


def change_not_yet_painted(widget: Widget) -> bool:
    """Whether ``widget`` holds a change (content or layout) it has not yet handed to its screen
    to paint (``Widget._repaint_required``, ``_layout_required``): a frame painted now would
    show it as it was. Public API tried: none tells."""
    return widget._repaint_required or widget._layout_required


def select_choices(select: Select[Any]) -> list[tuple[str, Any]]:
    """The (prompt, value) choices a ``Select`` offers (``Select._options``), for tests. Public
    API tried: the overlay's ``OptionList.options`` has the prompts, not the values."""
    return [(str(prompt), value) for prompt, value in select._options]


def notification_messages(app: App[Any]) -> list[str]:
    """The messages of the notifications the app shows now (``App._notifications``), for
    tests. Public API tried: the toasts on screen are gone after their timeout, and appear only
    once the screen is painted."""
    return [str(notification.message) for notification in app._notifications]
