"""Behaviour every frontdesk screen shares: translated key hints and database work in threads."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from typing import Any, Literal, Protocol, TypeVar, cast

from sqlalchemy.exc import DBAPIError, OperationalError
from textual import events, on
from textual.app import App
from textual.binding import ActiveBinding
from textual.screen import Screen
from textual.worker import get_current_worker

from frontdesk.config import MailSettings
from frontdesk.db.engine import Database
from frontdesk.district_settings import DistrictSettings
from frontdesk.errors import DomainError, FieldErrors, StorageUnavailable, safe_description
from frontdesk.i18n import _
from frontdesk.services.sessions import StaffSession
from screens import textual_compat

T = TypeVar("T")
S = TypeVar("S", bound=Screen[None])
R = TypeVar("R")
V = TypeVar("V")
log = logging.getLogger("frontdesk.screens")

ScreenName = Literal[
    "start",
    "staff-sign-in",
    "staff-password",
    "staff-home",
    "queue",
    "letters",
    "history",
    "support",
    "settings",
    "staff-accounts",
    "forgot-password",
    "forced-change",
    "preferences",
    "staff-exit",
]
"""The screens an app makes new each time it opens them (``Host.new_screen``), by the name its
registry knows them by: the staff side's (``FrontdeskApp``) and the kiosk's (``KioskApp``)."""


class Host(Protocol):
    """What a screen may ask of the app it runs in.

    Screens reach one another through the app by name (``open``), never by importing each
    other: the app (``screens/app.py``) is the one module that knows every screen, so the
    screens form no import cycle with it or among themselves.
    """

    database: Database
    district: DistrictSettings
    staff: StaffSession | None
    mail: MailSettings | None
    notice: str
    language: str

    def new_screen(self, name: ScreenName, *args: Any) -> Screen[Any]:
        """A new screen of the kind registered as ``name``, made with ``args``."""
        ...

    def settle_heap(self) -> None: ...


def installed_screen(app: App[Any], kind: type[S], name: str, *, mount: bool = False) -> S:
    """The one ``kind`` screen installed as ``name`` (made the first time), to be reused.

    With ``mount``, it is also composed and mounted now, off screen, so that showing it the
    first time costs no more than any other time (``textual_compat.mount_off_screen``).
    """
    if not app.is_screen_installed(name):
        app.install_screen(kind(), name)
    screen = app.get_screen(name)
    assert isinstance(screen, kind)
    if mount:
        textual_compat.mount_off_screen(app, screen)
    return screen


class BaseScreen(Screen[T]):
    """A screen whose key hints follow the language and whose database calls run in threads.

    ``BINDINGS`` descriptions are English msgids marked with ``N_``; they are translated each
    time the footer asks for them, so a language switch shows at once.
    """

    visit: object = None
    """What the screen shows now, and for whom (a kept screen starts a new one each time it is
    emptied for its next use): a service's answer is shown only to the visit that asked for
    it, the same object."""

    _styled_with: textual_compat.CssState | None = None
    """The app's CSS this screen's widgets were last styled with."""

    @on(events.ScreenResume)
    def _restyle_only_if_css_changed(self, event: events.ScreenResume) -> None:
        # Textual restyles every widget of a screen that comes back; only a change of the CSS
        # calls for it (see textual_compat).
        self._styled_with = textual_compat.restyle_only_if_css_changed(
            self, event, self._styled_with
        )

    @on(events.ScreenSuspend)
    def _forget_queries(self) -> None:
        # A kept screen's query cache would keep the widgets of its earlier visits (see
        # textual_compat).
        textual_compat.forget_queries(self)

    @property
    def frontdesk(self) -> Host:
        """The app, as screens may use it."""
        return cast(Host, self.app)

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        return {
            key: active._replace(
                # gettext("") is the catalog's header: hidden bindings keep their empty text.
                binding=replace(
                    active.binding,
                    description=_(active.binding.description) if active.binding.description else "",
                )
            )
            for key, active in super().active_bindings.items()
        }

    def run_service(
        self,
        work: Callable[[], R],
        done: Callable[[R], None],
        failed: Callable[[DomainError], None] | None = None,
        *,
        group: str = "db",
        exclusive: bool = False,
    ) -> None:
        """Run ``work`` (database calls) in a thread; hand its result to ``done`` on the UI.

        A domain error goes to ``failed`` (default: a notification in the user's language);
        anything unexpected is logged and shown as a calm "try again" — never a traceback.
        With ``exclusive``, a newer call in the same group supersedes this one: a thread
        cannot be stopped, but the superseded result is dropped instead of shown (for reads).
        An answer that arrives after this screen left the stack (a kiosk wiped when idle, a
        clerk who went back) is dropped too, even when the screen is back for a new visit: it
        belongs to nobody now.
        """
        visit = self.visit

        def still_shown(callback: Callable[[V], None]) -> Callable[[V], None]:
            def answer(value: V) -> None:
                if self in self.app.screen_stack and self.visit is visit:
                    callback(value)

            return answer

        on_error = still_shown(failed or self.show_error)
        done = still_shown(done)

        def job() -> None:
            answer: Callable[[], None] | None = None
            try:
                result = work()
            except DomainError as error:
                answer = partial(on_error, error)
            except (OperationalError, DBAPIError) as error:
                log.error("database unavailable: %s", safe_description(error))
                answer = partial(on_error, StorageUnavailable())
            except Exception as error:
                log.error("unexpected error in a service call: %s", safe_description(error))
                answer = partial(on_error, StorageUnavailable())
            else:
                if not get_current_worker().is_cancelled:
                    answer = partial(done, result)
            # Before answering: the answer runs in a copy of this thread's context, and a
            # timer or task it starts would keep the worker (and the visit) in that copy.
            textual_compat.forget_worker_in_thread()
            if answer is not None:
                self.app.call_from_thread(answer)

        self.run_worker(job, thread=True, exit_on_error=False, group=group, exclusive=exclusive)

    def paint_now(self) -> None:
        """Lay out and paint what changed as soon as the widgets have told the screen, rather
        than at Textual's next frame slot (up to 17 ms later; ``textual_compat.paint_now``).

        For what the user is waiting for (a keystroke's result, the screen they asked for); the
        state must be complete when this is called.
        """
        textual_compat.paint_now(self)

    def show_error(self, error: DomainError) -> None:
        """Tell the user what went wrong, in their language (what is wrong with a field, for a
        screen that has no place beside its fields)."""
        message = error.message
        if isinstance(error, FieldErrors) and error.fields:
            message = next(iter(error.fields.values()))
        self.notify(str(message), severity="error", timeout=8)
