"""Behaviour every frontdesk screen shares: translated key hints and database work in threads."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy.exc import DBAPIError, OperationalError
from textual.binding import ActiveBinding
from textual.screen import Screen
from textual.worker import get_current_worker

from frontdesk.errors import DomainError, StorageUnavailable, safe_description
from frontdesk.i18n import _

if TYPE_CHECKING:
    from screens.app import FrontdeskApp

T = TypeVar("T")
R = TypeVar("R")
V = TypeVar("V")
log = logging.getLogger("frontdesk.screens")


class BaseScreen(Screen[T]):
    """A screen whose key hints follow the language and whose database calls run in threads.

    ``BINDINGS`` descriptions are English msgids marked with ``N_``; they are translated each
    time the footer asks for them, so a language switch shows at once.
    """

    visit = 0
    """Counts the times a kept screen was emptied for its next use: a service's answer is
    shown only to the visit that asked for it."""

    @property
    def frontdesk(self) -> FrontdeskApp:
        """The app, typed."""
        return self.app  # type: ignore[return-value]

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
                if self in self.app.screen_stack and self.visit == visit:
                    callback(value)

            return answer

        on_error = still_shown(failed or self.show_error)
        done = still_shown(done)

        def job() -> None:
            try:
                result = work()
            except DomainError as error:
                self.app.call_from_thread(on_error, error)
            except (OperationalError, DBAPIError) as error:
                log.error("database unavailable: %s", safe_description(error))
                self.app.call_from_thread(on_error, StorageUnavailable())
            except Exception as error:
                log.error("unexpected error in a service call: %s", safe_description(error))
                self.app.call_from_thread(on_error, StorageUnavailable())
            else:
                if not get_current_worker().is_cancelled:
                    self.app.call_from_thread(done, result)

        self.run_worker(job, thread=True, exit_on_error=False, group=group, exclusive=exclusive)

    def show_error(self, error: DomainError) -> None:
        """Tell the user what went wrong, in their language."""
        self.notify(str(error.message), severity="error", timeout=8)
