"""The Parent Registration settings form (R19): its draft, reading it and saving it.

The draft holds what an administrator typed, as typed: a number field keeps "often" until
it is saved, so the form can show it with "Enter a whole number." beside it. It is built
from :class:`DistrictSettings` and validated into one; its messages are named by the dotted
path of the setting (``rate_limits.window_minutes``, ``extra_fields.0.key``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from frontdesk.db.engine import Database
from frontdesk.db.models import StaffRole
from frontdesk.district_settings import (
    WEAK_PASSWORD_LENGTH,
    AccountField,
    DistrictSettings,
    Identifier,
    RateLimits,
    TextKey,
    settings_problems,
)
from frontdesk.errors import FieldErrors
from frontdesk.services.audit import Actor
from frontdesk.services.district import load_settings, save_settings
from frontdesk.services.sessions import StaffSession, current_staff

NumberSetting = Literal[
    "kiosk_idle_seconds", "reset_link_minutes", "min_password_length", "letter_code_days"
]
"""The settings the form shows as a number field of their own."""
Switch = Literal[
    "email_must_be_on_record",
    "force_name_entry",
    "links_bypass_verification",
    "photo_id_visit_required",
    "letter_codes_approve_links",
]
"""The settings that are one yes-or-no each."""


class _Draft(BaseModel):
    # Assignments are not validated: a draft holds whatever was typed until it is saved.
    model_config = ConfigDict(extra="forbid")


class ExtraFieldDraft(_Draft):
    """A district question as typed (see :class:`frontdesk.services.district.ExtraField`)."""

    key: str = ""
    labels: dict[str, str] = {}
    """The question by language code; a language with no wording is left out."""
    required: bool = False

    def set_key(self, typed: str) -> None:
        """The name the answers are kept under, as typed."""
        self.key = typed.strip()

    def set_required(self, required: bool) -> None:
        """Whether parents must answer."""
        self.required = required

    def write_label(self, code: str, wording: str) -> None:
        """The question in ``code``; blank means none in that language."""
        wording = wording.strip()
        if wording:
            self.labels[code] = wording
        else:
            self.labels.pop(code, None)


class SettingsDraft(_Draft):
    """Every option of the settings form as the administrator has it now."""

    district_name: str
    logo: str
    languages: list[str]
    """Offered languages in the language bar's order (a newly offered one goes last)."""
    default_language: str
    texts: dict[str, dict[TextKey, str]]
    """The district's wording by language; only what was written (no empty texts)."""
    required_account_fields: set[AccountField]
    extra_fields: list[ExtraFieldDraft]
    email_must_be_on_record: bool
    required_identifiers: set[Identifier]
    force_name_entry: bool
    links_bypass_verification: bool
    photo_id_visit_required: bool
    letter_codes_approve_links: bool
    kiosk_idle_seconds: str
    reset_link_minutes: str
    min_password_length: str
    letter_code_days: str
    rate_limits: dict[str, str]
    """Each of :class:`RateLimits`' fields, as typed."""

    @classmethod
    def of(cls, settings: DistrictSettings) -> SettingsDraft:
        """The draft of the district's ``settings`` as they are."""
        return cls(
            district_name=settings.district_name,
            logo=settings.logo,
            languages=list(settings.languages),
            default_language=settings.default_language,
            texts={code: dict(texts) for code, texts in settings.texts.items()},
            required_account_fields=set(settings.required_account_fields),
            extra_fields=[
                ExtraFieldDraft(key=f.key, labels=dict(f.labels), required=f.required)
                for f in settings.extra_fields
            ],
            email_must_be_on_record=settings.email_must_be_on_record,
            required_identifiers=set(settings.required_identifiers),
            force_name_entry=settings.force_name_entry,
            links_bypass_verification=settings.links_bypass_verification,
            photo_id_visit_required=settings.photo_id_visit_required,
            letter_codes_approve_links=settings.letter_codes_approve_links,
            kiosk_idle_seconds=str(settings.kiosk_idle_seconds),
            reset_link_minutes=str(settings.reset_link_minutes),
            min_password_length=str(settings.min_password_length),
            letter_code_days=str(settings.letter_code_days),
            rate_limits={
                name: str(value) for name, value in settings.rate_limits.model_dump().items()
            },
        )

    # --- what the form changes ---------------------------------------------------------------

    def number(self, name: NumberSetting) -> str:
        """The number field ``name`` as typed."""
        return str(getattr(self, name))

    def set_number(self, name: NumberSetting, typed: str) -> None:
        """Keep what was typed in the number field ``name`` (checked when saved)."""
        setattr(self, name, typed.strip())

    def switch(self, name: Switch) -> bool:
        """Whether the switch ``name`` is on."""
        return bool(getattr(self, name))

    def set_switch(self, name: Switch, on: bool) -> None:
        """Turn the switch ``name`` on or off."""
        setattr(self, name, on)

    def require_account_field(self, field: AccountField, required: bool) -> None:
        """Make ``field`` of the account form required, or optional."""
        if required:
            self.required_account_fields.add(field)
        else:
            self.required_account_fields.discard(field)

    def require_identifier(self, identifier: Identifier, required: bool) -> None:
        """Ask parents for ``identifier`` to add a child, or stop asking."""
        if required:
            self.required_identifiers.add(identifier)
        else:
            self.required_identifiers.discard(identifier)

    def set_rate_limit(self, name: str, typed: str) -> None:
        """Keep what was typed for the rate limit ``name`` (a field of :class:`RateLimits`)."""
        self.rate_limits[name] = typed.strip()

    def offer_language(self, code: str, offered: bool) -> None:
        """Offer ``code`` to parents (last in the bar) or stop offering it."""
        if offered and code not in self.languages:
            self.languages.append(code)
        elif not offered and code in self.languages:
            self.languages.remove(code)

    def move_language(self, code: str, step: int) -> bool:
        """Move the offered language ``code`` ``step`` places along the kiosk's language bar
        (``-1``: one to the left); whether it moved (not past either end, nor if not offered)."""
        if code not in self.languages:
            return False
        at = self.languages.index(code)
        if not 0 <= at + step < len(self.languages):
            return False
        self.languages.insert(at + step, self.languages.pop(at))
        return True

    def write_text(self, code: str, key: TextKey, wording: str) -> None:
        """The district's wording of ``key`` in ``code``; blank means none (the fallback)."""
        wording = wording.strip()
        texts = self.texts.setdefault(code, {})
        if wording:
            texts[key] = wording
        else:
            texts.pop(key, None)
        if not texts:
            del self.texts[code]

    # --- what it means -----------------------------------------------------------------------

    def validated(self) -> DistrictSettings:
        """The settings this draft stands for; :class:`FieldErrors` by dotted path if it is
        not valid, in our words (the first problem of each field)."""
        try:
            return DistrictSettings.model_validate(self._data())
        except ValidationError as error:
            raise FieldErrors(settings_problems(error)) from None

    def settings_or_none(self) -> DistrictSettings | None:
        """The settings this draft stands for, or ``None`` while something is not valid."""
        try:
            return DistrictSettings.model_validate(self._data())
        except ValidationError:
            return None

    def weak_password_minimum(self) -> bool:
        """Whether the minimum password length typed is below the recommended one."""
        length = self.min_password_length
        return length.isdigit() and int(length) < WEAK_PASSWORD_LENGTH

    def link_guess_years(self) -> float | None:
        """How soon every last-4 SSN of one student could be tried at the drafted limits, in
        years; ``None`` while a limit is not valid (its field says why)."""
        try:
            return RateLimits.model_validate(self.rate_limits).link_guess_years()
        except ValidationError:
            return None

    def _data(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


@dataclass(frozen=True)
class SettingsSaved:
    """What saving a draft did: the settings now in force and what changed (empty: nothing)."""

    settings: DistrictSettings
    changes: dict[str, Any]


def read_settings(database: Database) -> DistrictSettings:
    """The district's settings as stored now."""
    with database.read() as uow:
        return load_settings(uow)


def save_settings_draft(
    database: Database, session: StaffSession, draft: SettingsDraft
) -> SettingsSaved:
    """An administrator saves the settings form: validated (:class:`FieldErrors` by dotted
    path, nothing stored), then stored, versioned and audited with old and new values."""
    settings = draft.validated()
    with database.write() as uow:
        admin = current_staff(uow, session, StaffRole.ADMIN)
        changes = save_settings(uow, Actor.staff(admin), settings)
    return SettingsSaved(settings, changes)
