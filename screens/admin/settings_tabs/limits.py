"""The settings screen's "Security and limits" tab: the kiosk's idle time, reset links, the
password minimum and every rate limit, with warnings where a choice weakens the district."""

from __future__ import annotations

from functools import partial

from textual.app import ComposeResult
from textual.widgets import Label

from frontdesk.district_settings import (
    LINK_GUESS_YEARS_GOAL,
    WEAK_PASSWORD_LENGTH,
    DistrictSettings,
    RateLimits,
)
from frontdesk.i18n import N_, _, format_number
from frontdesk.services.settings_form import NumberSetting
from screens.admin.settings_tabs.controls import DraftInput
from screens.admin.settings_tabs.form import SettingsTab

RATE_LIMIT_LABELS = {
    "window_minutes": N_("Counting window (minutes)"),
    "link_failures_per_parent": N_("Failed child links per parent"),
    "link_failures_per_student": N_("Failed child links per student"),
    "link_failures_per_student_per_day": N_("Failed child links per student in 24 hours"),
    "link_failures_per_workstation": N_("Failed child links per kiosk"),
    "accounts_per_workstation": N_("New accounts per kiosk"),
    "signin_failures_per_account": N_("Failed sign-ins before an account locks"),
    "signin_failures_per_workstation": N_("Failed sign-ins per kiosk"),
    "reset_requests_per_account": N_("Password reset requests per account"),
    "reset_requests_per_workstation": N_("Password reset requests per kiosk"),
    "reset_code_attempts": N_("Attempts at a reset code"),
    "email_answers_per_workstation": N_(
        "Sign-up answers 'already exists' or 'not on record' per kiosk"
    ),
}
NUMBERS: dict[NumberSetting, str] = {
    "kiosk_idle_seconds": N_("Kiosk idle time before it starts over (seconds)"),
    "reset_link_minutes": N_("Password reset link lifetime (minutes)"),
    "min_password_length": N_("Minimum password length"),
}


class LimitsTab(SettingsTab):
    """Times, the password minimum and the rate limits, as typed until saved."""

    def compose(self) -> ComposeResult:
        draft = self.draft
        for number, label in NUMBERS.items():
            yield self.field(
                _(label),
                DraftInput(
                    draft.number(number), partial(draft.set_number, number), id=f"set-{number}"
                ),
                number,
            )
        self._password_warning = Label(
            self._password_text(), id="password-warning", classes="warning"
        )
        yield self._password_warning
        yield Label(_("Rate limits"), classes="subtitle")
        # Every limit the model has, so a new one is never left off the form (the label list
        # is checked by a test; a missing one shows the setting's name meanwhile).
        for limit in RateLimits.model_fields:
            yield self.field(
                _(RATE_LIMIT_LABELS.get(limit, limit)),
                DraftInput(
                    draft.rate_limits[limit],
                    partial(draft.set_rate_limit, limit),
                    id=f"rl-{limit}",
                ),
                f"rate_limits.{limit}",
            )
        self._guess_warning = Label(self._guess_text(), id="guess-warning", classes="warning")
        yield self._guess_warning

    def follow(self, settings: DistrictSettings | None) -> None:
        """Warn of a weak password minimum, and of limits that let one child's last-4 SSN be
        guessed too soon (each is checked alone: the rest of the draft need not be valid)."""
        self._password_warning.update(self._password_text())
        self._guess_warning.update(self._guess_text())

    def _password_text(self) -> str:
        if not self.draft.weak_password_minimum():
            return ""
        return _(
            "Below {n} characters passwords are easier to guess; {n} or more is "
            "recommended (never fewer than 8)."
        ).format(n=WEAK_PASSWORD_LENGTH)

    def _guess_text(self) -> str:
        years = self.draft.link_guess_years()
        if years is None or years >= LINK_GUESS_YEARS_GOAL:
            return ""
        return _(
            "At these limits every last-4 SSN of one student can be tried in {years} years; "
            "{goal} years or more is recommended."
        ).format(years=format_number(round(years, 1)), goal=format_number(LINK_GUESS_YEARS_GOAL))
