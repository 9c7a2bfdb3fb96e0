"""The district's own settings (R19): texts, languages, required fields and identifiers, rules.

A plain validated model: :mod:`frontdesk.db.district` stores it as JSON in the district's
row, so every kiosk and desk sees the same and a change reaches running kiosks through
``District.version`` without a restart; :mod:`frontdesk.services.district` changes it.
"""

from __future__ import annotations

import math
from enum import StrEnum
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from frontdesk import text
from frontdesk.i18n import N_, Msg
from frontdesk.resources import data_dir


class AccountField(StrEnum):
    """Optional parts of the account form a district may require (R4)."""

    PHONE = "phone"
    ADDRESS = "address"
    RELATIONSHIP = "relationship"


class Identifier(StrEnum):
    """What a parent may be asked to identify a child by (R9)."""

    FIRST_NAME = "first_name"
    LAST_NAME = "last_name"
    STUDENT_ID = "student_id"
    BIRTHDATE = "birthdate"
    SSN_LAST4 = "ssn_last4"


class TextKey(StrEnum):
    """District texts that may differ per language (R1)."""

    WELCOME_TITLE = "welcome_title"
    WELCOME_MESSAGE = "welcome_message"
    NEW_ACCOUNT_BUTTON = "new_account_button"
    ADD_CHILD_BUTTON = "add_child_button"
    FORGOT_PASSWORD_BUTTON = "forgot_password_button"


# The rules' messages are msgids: settings_problems() shows them translated beside the field
# they concern (a model-wide rule has no field of its own in pydantic's error).
_LISTED_TWICE = N_("A language is listed twice.")
_DEFAULT_NOT_OFFERED = N_("The default language must be one of the languages offered.")
_ID_OR_BIRTHDATE = N_("Require the student ID or the birthdate to add a child.")
_TWO_IDENTIFIERS = N_("Require at least two identifiers to add a child.")
_RULE_FIELDS = {
    _LISTED_TWICE: "languages",
    _DEFAULT_NOT_OFFERED: "default_language",
    _ID_OR_BIRTHDATE: "required_identifiers",
    _TWO_IDENTIFIERS: "required_identifiers",
}

WEAK_PASSWORD_LENGTH = 15
"""Below this minimum password length the settings screen warns (NIST SP 800-63B)."""

SSN_LAST4_VALUES = 10_000
"""How many last-4 SSN answers a guesser has to try (0000 to 9999)."""
LINK_GUESS_YEARS_GOAL = 2.0
"""Below this many years to try every last-4 SSN of one student the settings screen warns."""
MINUTES_PER_YEAR = 365.25 * 24 * 60


LanguageCode = Annotated[
    str, Field(pattern=r"^[A-Za-z]{2,3}([_-][A-Za-z0-9]{1,8})*$", max_length=text.LANGUAGE_CODE)
]
"""A language's code (``es``, ``pt_BR``): what parent accounts and mails keep (12 at most)."""
DistrictText = Annotated[str, Field(max_length=text.DISTRICT_TEXT), text.CLEAN_LINES]
Question = Annotated[str, Field(max_length=text.QUESTION), text.CLEAN_LINE]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class ExtraField(_Strict):
    """A district-defined question on the account form."""

    key: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
    """Stable name the answer is stored under."""
    labels: dict[LanguageCode, Question]
    """The question, by language code."""
    required: bool = False


class RateLimits(_Strict):
    """How many attempts are allowed before a person is sent to the front office."""

    window_minutes: Annotated[int, Field(ge=1, le=24 * 60)] = 60
    """The window the counts below are taken over."""
    link_failures_per_parent: Annotated[int, Field(ge=1)] = 5
    link_failures_per_student: Annotated[int, Field(ge=1)] = 5
    """Failed child links in the window naming one student, whatever the account or kiosk."""
    link_failures_per_student_per_day: Annotated[int, Field(ge=1, le=1000)] = 13
    """The same over any 24 hours, so a patient guesser is stopped too: at 13 a day, trying
    every last-4 SSN of one student takes over two years (:meth:`link_guess_years`)."""
    link_failures_per_workstation: Annotated[int, Field(ge=1)] = 30
    accounts_per_workstation: Annotated[int, Field(ge=1)] = 30
    signin_failures_per_account: Annotated[int, Field(ge=1)] = 5
    """Failed sign-ins in the window before the account locks."""
    signin_failures_per_workstation: Annotated[int, Field(ge=1)] = 50
    reset_requests_per_account: Annotated[int, Field(ge=1)] = 3
    reset_code_attempts: Annotated[int, Field(ge=1)] = 5
    reset_requests_per_workstation: Annotated[int, Field(ge=1)] = 30
    """Forgot-password requests from one kiosk in the window, whatever the addresses."""
    email_answers_per_workstation: Annotated[int, Field(ge=1)] = 10
    """Sign-up answers "already exists" / "not on record" one kiosk gives in the window; each
    tells whether an address is known, so past this the kiosk sends parents to the office."""

    def link_guess_years(self, values: int = SSN_LAST4_VALUES) -> float:
        """The least time, in years, to try ``values`` answers against one student.

        Every guess at a student's secret identifier names that student, so counts against
        the per-student limits whatever the account or kiosk: each 24 hours admits at most
        ``link_failures_per_student_per_day``, each window ``link_failures_per_student``. A
        guesser starting at once needs ``ceil(values / most) - 1`` full windows of the tighter
        limit (the first batch costs no wait).
        """
        by_day = (math.ceil(values / self.link_failures_per_student_per_day) - 1) * 24 * 60
        by_window = (math.ceil(values / self.link_failures_per_student) - 1) * self.window_minutes
        return max(by_day, by_window) / MINUTES_PER_YEAR


class DistrictSettings(_Strict):
    """Every option of the Parent Registration settings screen (R19)."""

    district_name: Annotated[
        str, Field(min_length=1, max_length=text.DISTRICT_NAME), text.CLEAN_LINE
    ] = "Owl County School District"
    logo: Annotated[str, Field(max_length=text.LOGO), text.CLEAN_LINES] = ""
    """Text-art logo shown on the welcome screen."""
    languages: Annotated[list[LanguageCode], Field(min_length=1)] = ["en", "es", "ht"]
    """Languages offered to parents, in the order of the language bar."""
    default_language: LanguageCode = "en"
    texts: dict[LanguageCode, dict[TextKey, DistrictText]] = {}
    """The district's own wording by language; a missing text falls back to the default
    language, then to frontdesk's translated wording."""
    required_account_fields: set[AccountField] = {AccountField.PHONE, AccountField.RELATIONSHIP}
    extra_fields: list[ExtraField] = []
    email_must_be_on_record: bool = False
    """R5: the account email must be a contact email on an enrolled student's record."""
    required_identifiers: set[Identifier] = {
        Identifier.STUDENT_ID,
        Identifier.BIRTHDATE,
        Identifier.SSN_LAST4,
    }
    """What a parent must give to add a child (R9)."""
    force_name_entry: bool = True
    """Also require the student's first and last name (R9's "force name entry")."""
    links_bypass_verification: bool = False
    """R10: links go live at once instead of waiting for the in-person check."""
    photo_id_visit_required: bool = True
    """R13: parents must show a photo ID at the school before seeing student data."""
    letter_code_days: Annotated[int, Field(ge=1, le=365)] = 30
    """L1: how many days a letter code stays valid after it is issued."""
    letter_codes_approve_links: bool = False
    """L1: a letter code approves its link at once (the district accepts mail to the address
    on record as proof of who the parent is). Off, the link waits for a clerk, who sees the
    letter on the request and may approve it without a photo-ID check."""
    kiosk_idle_seconds: Annotated[int, Field(ge=15, le=3600)] = 120
    reset_link_minutes: Annotated[int, Field(ge=5, le=24 * 60)] = 30
    min_password_length: Annotated[int, Field(ge=8, le=64)] = 15
    rate_limits: RateLimits = RateLimits()

    @field_validator("languages")
    @classmethod
    def _no_repeats(cls, languages: list[str]) -> list[str]:
        if len(set(languages)) != len(languages):
            raise ValueError(_LISTED_TWICE)
        return languages

    @model_validator(mode="after")
    def _coherent(self) -> Self:
        if self.default_language not in self.languages:
            raise ValueError(_DEFAULT_NOT_OFFERED)
        if not self.required_identifiers & {Identifier.STUDENT_ID, Identifier.BIRTHDATE}:
            raise ValueError(_ID_OR_BIRTHDATE)
        if len(self.identifiers_asked()) < 2:
            raise ValueError(_TWO_IDENTIFIERS)
        return self

    def identifiers_asked(self) -> list[Identifier]:
        """The identifiers the add-a-child form asks for, in form order."""
        asked = set(self.required_identifiers)
        if self.force_name_entry:
            asked |= {Identifier.FIRST_NAME, Identifier.LAST_NAME}
        return [i for i in Identifier if i in asked]

    def district_text(self, key: TextKey, language: str) -> str | None:
        """The district's wording of ``key`` in ``language``, else in its default language."""
        for lang in (language, self.default_language):
            wording = self.texts.get(lang, {}).get(key)
            if wording:
                return wording
        return None


def missing_texts(settings: DistrictSettings) -> dict[str, list[TextKey]]:
    """For each offered language but the default, the texts the district wrote in its default
    language but not in this one (a parent of that language reads the default's words)."""
    written = settings.texts.get(settings.default_language, {})
    return {
        language: [
            key
            for key in TextKey
            if written.get(key) and not settings.texts.get(language, {}).get(key)
        ]
        for language in settings.languages
        if language != settings.default_language
    }


def settings_problems(error: ValidationError) -> dict[str, Msg]:
    """pydantic's complaints about district settings in our own words, by field path.

    A path joins the keys with dots (``rate_limits.window_minutes``, ``texts.es.welcome_title``,
    ``extra_fields.0.key``); the first problem of each field wins.
    """
    problems: dict[str, Msg] = {}
    for problem in error.errors():
        path = ".".join(str(part) for part in problem["loc"])
        context = problem.get("ctx", {})
        kind = problem["type"]
        if kind == "value_error":
            rule = str(context.get("error", ""))
            path = path or _RULE_FIELDS.get(rule, "")
            message = Msg(rule) if rule in _RULE_FIELDS else Msg("This value is not allowed.")
        else:
            message = _TYPE_MESSAGES.get(kind, Msg("This value is not allowed."))
            if kind in _WITH_LIMIT:
                limit = next(iter(context.values()), "")
                message = Msg(message.msgid, n=limit)
        problems.setdefault(path, message)
    return problems


_TYPE_MESSAGES = {
    "string_too_short": Msg("This must not be empty."),
    "string_too_long": Msg("At most {n} characters."),
    "too_short": Msg("Choose at least one."),
    "greater_than_equal": Msg("At least {n}."),
    "less_than_equal": Msg("At most {n}."),
    "int_parsing": Msg("Enter a whole number."),
    "int_type": Msg("Enter a whole number."),
    "int_from_float": Msg("Enter a whole number."),
    "bool_parsing": Msg("Use true or false."),
    "bool_type": Msg("Use true or false."),
    "string_type": Msg("Enter text."),
    "string_pattern_mismatch": Msg("Use lower-case letters, digits and _, starting with a letter."),
    "refused_characters": text.refused_characters(),
    "string_unicode": text.refused_characters(),
    "enum": Msg("Not one of the choices."),
    "extra_forbidden": Msg("There is no such setting."),
    "missing": Msg("This setting is missing."),
    "dict_type": Msg("This must be a table."),
    "list_type": Msg("This must be a list."),
    "model_type": Msg("This must be a table."),
    "set_type": Msg("This must be a list."),
}
_WITH_LIMIT = {"string_too_long", "greater_than_equal", "less_than_equal"}


def default_settings() -> DistrictSettings:
    """The settings of a new district: the demo logo and frontdesk's defaults."""
    logo = (data_dir() / "district" / "logo.txt").read_text(encoding="utf-8")
    return DistrictSettings(logo=logo.rstrip("\n"))
