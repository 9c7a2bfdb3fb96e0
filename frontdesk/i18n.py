"""The one place that knows gettext and babel.

Every user-facing string goes through :func:`_` (or :func:`ngettext`); strings that must be
translated later (class attributes, domain errors raised in worker threads) are marked with
:func:`N_` or wrapped in :class:`Msg` and translated when shown. The language is one value
per process: a kiosk, desk or browser session each run in their own process.

Dates and numbers are formatted with babel for the current language; a typed date is read in
the language's order of day, month and year (:func:`parse_date`).
"""

from __future__ import annotations

import gettext
import re
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from functools import cache
from typing import Final

from babel import Locale, UnknownLocaleError
from babel import dates as babel_dates
from babel import numbers as babel_numbers

from frontdesk.resources import locale_dir

DOMAIN: Final = "frontdesk"
SOURCE_LANGUAGE: Final = "en"

_language: str = SOURCE_LANGUAGE


def N_(msgid: str) -> str:
    """Mark a string for extraction without translating it now."""
    return msgid


@cache
def translation(language: str) -> gettext.NullTranslations:
    """The catalog of ``language``; English (the msgids) where none is shipped."""
    return gettext.translation(DOMAIN, locale_dir(), [language], fallback=True)


def set_language(language: str) -> None:
    """Switch the process to ``language`` (a code such as ``es`` or ``ht``)."""
    global _language
    _language = language


def current_language() -> str:
    """The language strings are translated into now."""
    return _language


def _(msgid: str) -> str:
    """Translate ``msgid`` into the current language."""
    return translation(_language).gettext(msgid)


def ngettext(singular: str, plural: str, n: int) -> str:
    """Translate a message with plural forms for the count ``n``."""
    return translation(_language).ngettext(singular, plural, n)


def gettext_in(language: str, msgid: str) -> str:
    """Translate ``msgid`` into a given language, whatever the current one is (for mail)."""
    return translation(language).gettext(msgid)


class Msg:
    """A message to translate when it is shown, with ``str.format`` parameters.

    Domain errors carry one of these: they are raised in worker threads and shown later,
    in whatever language the screen has by then.
    """

    __slots__ = ("msgid", "params")

    def __init__(self, msgid: str, /, **params: object) -> None:
        self.msgid = msgid
        self.params: Mapping[str, object] = params

    def translate(self, language: str | None = None) -> str:
        """The message in ``language`` (default: the current language)."""
        language = language or _language
        text = translation(language).gettext(self.msgid)
        if not self.params:
            return text
        # A duration is said in the language shown ("2 minutes", "2 minutos", "2 min").
        params = {
            key: format_timedelta(value, language) if isinstance(value, timedelta) else value
            for key, value in self.params.items()
        }
        return text.format(**params)

    def __str__(self) -> str:
        return self.translate()

    def __repr__(self) -> str:
        return f"Msg({self.msgid!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Msg) and (self.msgid, dict(self.params)) == (
            other.msgid,
            dict(other.params),
        )

    def __hash__(self) -> int:
        return hash(self.msgid)


@cache
def shipped_languages() -> tuple[str, ...]:
    """Languages with a compiled catalog under ``locales/``, English first."""
    found = {path.parent.parent.name for path in locale_dir().glob(f"*/LC_MESSAGES/{DOMAIN}.mo")}
    return (SOURCE_LANGUAGE, *sorted(found - {SOURCE_LANGUAGE}))


@cache
def _locale(language: str) -> Locale:
    try:
        return Locale.parse(language.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return Locale.parse(SOURCE_LANGUAGE)


def language_name(language: str) -> str:
    """The name of ``language`` written in that language ("Español", "Kreyòl Ayisyen")."""
    name = _locale(language).get_display_name(_locale(language)) or language
    return name[:1].upper() + name[1:]


def format_date(value: date, format: str = "medium", language: str | None = None) -> str:
    """A date the way the language writes it."""
    return babel_dates.format_date(value, format=format, locale=_locale(language or _language))


def format_short_date(value: date, language: str | None = None) -> str:
    """A date in the language's short form with the whole year ("6/30/2030", "30/6/2030"):
    babel's short form has a two-digit year, which reads as a day or a month."""
    language = language or _language
    return babel_dates.format_date(
        value, format=date_input_pattern(language), locale=_locale(language)
    )


def format_datetime(value: datetime, format: str = "medium", language: str | None = None) -> str:
    """A date and time the way the language writes it."""
    return babel_dates.format_datetime(value, format=format, locale=_locale(language or _language))


def format_short_datetime(value: datetime, language: str | None = None) -> str:
    """A date and time in the language's short form with the whole year ("6/30/2030, 2:05 PM",
    "14:05 30/06/2030"): babel's short form has a two-digit year."""
    language = language or _language
    locale = _locale(language)
    pattern = (
        str(locale.datetime_formats["short"])
        .replace("{1}", date_input_pattern(language))
        .replace("{0}", locale.time_formats["short"].pattern)
    )
    return babel_dates.format_datetime(value, format=pattern, locale=locale)


def format_timedelta(value: timedelta, language: str | None = None) -> str:
    """A duration the way the language says it, rounded ("3 hours", "2 days")."""
    return babel_dates.format_timedelta(value, threshold=1.5, locale=_locale(language or _language))


def format_number(value: float, language: str | None = None) -> str:
    """A number with the language's separators."""
    return babel_numbers.format_decimal(value, locale=_locale(language or _language))


_INPUT_PATTERNS: Final = {"vi": "dd/MM/y"}
"""Short patterns that differ from babel's: Vietnamese forms and ID cards write ``dd/MM/yyyy``
(CLDR's ``d/M/yy`` is what a phone shows, not what a form asks for)."""

_DATE_FIELDS = re.compile(r"d+|M+|y+")
_DATE_SEPARATORS = r"[\s./-]+"
_YEAR_FIRST = re.compile(rf"(\d{{4}}){_DATE_SEPARATORS}(\d{{1,2}}){_DATE_SEPARATORS}(\d{{1,2}})")
"""ISO order, with any of the separators: a four-digit number first can only be a year."""


def date_input_pattern(language: str | None = None) -> str:
    """The short date pattern of the language, as a hint for a date field (``M/d/yyyy``,
    ``dd/MM/yyyy``)."""
    language = language or _language
    pattern: str = _INPUT_PATTERNS.get(language) or _locale(language).date_formats["short"].pattern
    # A four-digit year is easier to type unambiguously than babel's two-digit one.
    return pattern.replace("yyyy", "y").replace("yy", "y").replace("y", "yyyy")


@cache
def _typed_date(language: str) -> tuple[re.Pattern[str], tuple[str, str, str]]:
    """How a date typed in ``language`` reads: a pattern of three numbers with any of the
    separators, and which of day (``d``), month (``M``) and year (``y``) each one is."""
    unquoted = re.sub(r"'[^']*'", "", date_input_pattern(language))  # 'de' is no field
    order = tuple(field[0] for field in _DATE_FIELDS.findall(unquoted))
    if sorted(order) != ["M", "d", "y"]:  # no numeric short form: the ISO order
        order = ("y", "M", "d")
    digits = {"d": r"(\d{1,2})", "M": r"(\d{1,2})", "y": r"(\d{4})"}
    numbers = _DATE_SEPARATORS.join(digits[field] for field in order)
    return re.compile(numbers), (order[0], order[1], order[2])


def parse_date(text: str, language: str | None = None) -> date:
    """Read a date typed the way the language writes it; ISO ``YYYY-MM-DD`` is always accepted.

    Day, month and four-digit year are read in the language's order, with or without leading
    zeros, separated by ``/``, ``.``, ``-`` or spaces: ``07/03/2015`` is 7 March in Vietnamese
    and Portuguese, July 3 in English. Nothing is guessed: a two-digit year, a month past 12
    (a day and month typed the other way round) or a day the month does not have is not a
    date. Raises ``ValueError`` when the text is not one.
    """
    text = text.strip()
    pattern, order = _typed_date(language or _language)
    if found := _YEAR_FIRST.fullmatch(text):
        year, month, day = found.groups()
    elif found := pattern.fullmatch(text):
        parts = dict(zip(order, found.groups(), strict=True))
        year, month, day = parts["y"], parts["M"], parts["d"]
    else:
        raise ValueError("not a date in the language's order with a four-digit year")
    if int(year) < 1000:
        raise ValueError("year needs four digits")
    return date(int(year), int(month), int(day))  # ValueError: no such day
