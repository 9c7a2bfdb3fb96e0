"""KioskApp: the frontdesk app locked down for a lobby (K1).

No binding of Textual's App survives (``inherit_bindings=False``): ctrl+q, ctrl+c and the
command palette do nothing, and ctrl+c/ctrl+z arrive as plain keys because Textual only
turns them into signals when ``TEXTUAL_ALLOW_SIGNALS`` is set. After the district's idle time,
with a countdown on screen first, everything a parent typed is dropped and the welcome screen
comes back in the default language. Staff leave with their PIN (F12).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar, cast

from textual import events
from textual.binding import Binding, BindingType
from textual.screen import Screen

from frontdesk.config import MailSettings
from frontdesk.db.engine import Database
from frontdesk.i18n import set_language
from frontdesk.services.sessions import ParentSession
from screens.base import ScreenName, installed_screen
from screens.base_app import BaseApp
from screens.kiosk.account import NewAccountScreen
from screens.kiosk.add_child import AddChildScreen, ChildLinkedScreen
from screens.kiosk.base import KioskScreen, KioskStep
from screens.kiosk.change_password import ForcedChangeScreen
from screens.kiosk.enrollment import EnrollmentScreen
from screens.kiosk.forgot_password import ForgotPasswordScreen
from screens.kiosk.letter import LetterCodeScreen
from screens.kiosk.menu import ChildMenuScreen
from screens.kiosk.portal import PortalScreen
from screens.kiosk.preferences import PreferencesScreen
from screens.kiosk.signin import KioskSignInScreen
from screens.kiosk.staff_exit import StaffExitScreen
from screens.kiosk.welcome import WelcomeScreen
from screens.widgets.countdown import IdleCountdown

COUNTDOWN_SECONDS = 20
"""How long before the wipe the countdown shows (half the idle time when that is shorter)."""
BUILD_AHEAD_SECONDS = 0.5
"""How long after start the kiosk builds its other screens (the welcome is drawn by then)."""


class KioskApp(BaseApp, inherit_bindings=False):
    """The parent kiosk: welcome screen first, locked, wiped when idle."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f12", "staff_exit", show=False, priority=True),
    ]
    ENABLE_COMMAND_PALETTE = False
    CSS_PATH = [Path(__file__).parent / "app.tcss", Path(__file__).parent / "kiosk/kiosk.tcss"]  # type: ignore[assignment]

    STEPS: ClassVar[dict[KioskStep, type[KioskScreen[Any]]]] = {
        "welcome": WelcomeScreen,
        "new-account": NewAccountScreen,
        "sign-in": KioskSignInScreen,
        "menu": ChildMenuScreen,
        "add-child": AddChildScreen,
        "letter": LetterCodeScreen,
        "child-linked": ChildLinkedScreen,
        "enrollment": EnrollmentScreen,
        "portal": PortalScreen,
    }
    """The registration path's screens by name: kept and emptied after each visit (``step``)."""

    SCREEN_KINDS: ClassVar[dict[ScreenName, Callable[..., Screen[Any]]]] = {
        "forgot-password": ForgotPasswordScreen,
        "forced-change": ForcedChangeScreen,
        "preferences": PreferencesScreen,
        "staff-exit": StaffExitScreen,
    }
    """The kiosk's other screens, made new each time (``new_screen``)."""

    def __init__(
        self,
        database: Database,
        *,
        human_seconds: float = 3.0,
        rng: random.Random | None = None,
        tick_seconds: float = 1.0,
        mail: MailSettings | None = None,
    ) -> None:
        super().__init__(database, start="kiosk", mail=mail)
        self.human_seconds = human_seconds
        """The least time a person takes to fill a form before pressing its button (R7)."""
        self.rng = rng or random.SystemRandom()
        self.tick_seconds = tick_seconds
        self.parent_session: ParentSession | None = None
        """The parent signed in (or just registered) at this kiosk."""
        self.letter_code = ""
        """A letter's code to fill in once the parent has signed in (a web session opened
        from the letter's QR code: ``WebKioskApp``); a lobby kiosk never has one."""
        self.settings_version = 0
        self.idle_seconds = 0
        self.counting_down = False
        """Whether the idle countdown is on screen (the next key only stops it)."""
        self.kept: dict[str, KioskScreen[Any]] = {}
        """The screens ``step`` keeps, by name (kind and language)."""

    def first_screen(self) -> Screen[Any]:
        """The welcome screen."""
        return self.step("welcome")

    def step(self, step: KioskStep, *, ahead: bool = False) -> KioskScreen[Any]:
        """The kiosk's ``step`` screen in the current language: built once, then kept and
        emptied after each visit, so a step shows at once instead of being built again (one
        per language, as parents come in every language). ``ahead`` builds it now, off screen.
        """
        name = f"{step}:{self.language}"
        known = name in self.kept
        screen = installed_screen(self, self.STEPS[step], name, mount=ahead)
        if not known:
            self.kept[name] = screen
        elif not ahead:
            screen.forget_if_left()  # left an instant ago and not emptied yet: start empty
        return screen

    def watch_language(self, language: str) -> None:
        if not self._carry_to_kept_screen(language):
            super().watch_language(language)

    def _carry_to_kept_screen(self, language: str) -> bool:
        """Switch to the step on screen as kept in ``language`` (built now if no parent used
        it in that language yet), the parent's visit carried over: each step is built once
        per language, and a switch back and forth shows kept screens instead of building ~80
        widgets again. Whether it did; otherwise the screen on show is built again in the new
        language (a screen whose visit ``show_visit`` cannot show whole, or while an answer
        is on its way to it)."""
        current = self.screen
        if not isinstance(current, KioskScreen) or not current.CARRIES_VISIT or self._serving():
            return False  # an answer on its way belongs to this screen's visit
        name = next((name for name, kept in self.kept.items() if kept is current), None)
        if name is None:
            return False
        step = cast(KioskStep, name.partition(":")[0])
        known = self.kept.get(f"{step}:{language}")
        if known is not None and (
            known in self.screen_stack or (known.composed and known.composed_language != language)
        ):
            return False
        focused = current.focused.id if current.focused is not None else None
        set_language(language)
        other = self.step(step)
        other.carry_visit_from(current)
        if other.composed and focused and not focused.startswith("lang-"):
            other.set_focus(next(iter(other.query(f"#{focused}")), None))
        self.switch_screen(other)
        self.refresh_bindings()
        return True

    def signed_in(self) -> None:
        """After the sign-in or the new account: the menu, and over it the letter step with
        the code filled in when the session came from a letter's QR code (the code is
        handed on once: the step keeps it in its visit from then on)."""
        self.switch_screen(self.step("menu"))
        code, self.letter_code = self.letter_code, ""
        if code:
            letter = self.step("letter")
            letter.fill("code", code)
            self.push_screen(letter)

    def build_steps_ahead(self) -> None:
        """Build the registration path's screens off screen, one at a time, while the welcome
        screen waits for its first parent: the first parent's steps then show as fast as the
        next ones'."""
        waiting: list[KioskStep] = ["new-account", "sign-in", "menu", "add-child", "child-linked"]

        def build_next() -> None:
            # Only while the welcome screen is up: once a parent has moved on, a screen built
            # here could be the one being shown (Textual would start it twice); the rest are
            # built on their first visit.
            if not waiting:
                self.settle_heap()  # the kept steps live as long as the kiosk
            elif len(self.screen_stack) <= 2:
                self.step(waiting.pop(0), ahead=True)
                self.call_after_refresh(build_next)

        build_next()

    def on_mount(self) -> None:
        self.set_interval(self.tick_seconds, self.tick_idle, name="kiosk-idle")
        self.set_timer(BUILD_AHEAD_SECONDS, self.build_steps_ahead)

    # --- idle wipe ---------------------------------------------------------------------------

    async def on_event(self, event: events.Event) -> None:
        touched = isinstance(event, events.Key | events.MouseDown | events.MouseScrollDown)
        if touched and self.touched() and isinstance(event, events.Key):
            # The key answered the countdown ("press any key to stay"), and only that: an
            # Enter must not also press the button the cursor happens to be on.
            return
        await super().on_event(event)

    def touched(self) -> bool:
        """Someone is using the kiosk: start the idle time again. Whether the countdown was
        showing."""
        counting = self.counting_down
        if self.idle_seconds:
            self.idle_seconds = 0
            self._show_countdown(None)
        return counting

    def tick_idle(self) -> None:
        """One more second without a key or a click; wipe at the district's idle time."""
        self.idle_seconds += 1
        left = self.district.kiosk_idle_seconds - self.idle_seconds
        if left <= 0:
            self.wipe()
        elif left <= min(COUNTDOWN_SECONDS, self.district.kiosk_idle_seconds // 2):
            self._show_countdown(left)

    def _show_countdown(self, seconds: int | None) -> None:
        countdowns = self.screen.query(IdleCountdown)
        for countdown in countdowns:
            countdown.show_seconds(seconds)
        self.counting_down = seconds is not None and bool(countdowns)

    def wipe(self) -> None:
        """Drop everything the last parent typed and show the welcome screen afresh."""
        self.idle_seconds = 0
        self.heap.touched()  # what the parent left is garbage now: collected in the next pause
        self._show_countdown(None)  # off the screen it is on, which may be kept for later
        self.parent_session = None
        self.letter_code = ""
        self.clear_notifications()
        # Every screen above the welcome screen holds a form or a parent's data: drop them.
        while len(self.screen_stack) > 2:
            self.pop_screen()
        default = self.district.default_language
        self.set_reactive(BaseApp.language, default)
        set_language(default)
        for screen in self.kept.values():
            screen.reset()
        welcome = self.step("welcome")
        if self.screen is not welcome:  # a screen built outside the kiosk's steps
            self.switch_screen(welcome)
        welcome.follow_language()
        self.refresh_bindings()

    # --- staff exit --------------------------------------------------------------------------

    def action_staff_exit(self) -> None:
        """Ask for a staff PIN; the right one ends kiosk mode."""
        if not isinstance(self.screen, StaffExitScreen):
            self.push_screen(self.new_screen("staff-exit"))
