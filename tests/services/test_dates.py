"""Dates typed and shown the parent's way (R2, R4, R9): the hint, the reading and the display
of a date follow the chosen language; a Vietnamese or Brazilian parent types day first."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from frontdesk.db.engine import Database
from frontdesk.db.models import IdType
from frontdesk.errors import FieldErrors
from frontdesk.i18n import (
    Msg,
    date_input_pattern,
    format_date,
    format_short_date,
    format_short_datetime,
    parse_date,
    set_language,
)
from frontdesk.services.decisions import TypedIdentityCheck, identity_check_form
from frontdesk.services.kiosk import date_example, date_problem
from frontdesk.services.linking import TypedChild, ask_for_child
from tests.factories import enrol, register, small_roster
from tests.services.test_kiosk_actions import PERSON

MARCH_7 = date(2015, 3, 7)
DAY_FIRST = ["vi", "pt_BR"]


@pytest.mark.parametrize(
    ("language", "pattern", "example"),
    [
        ("en", "M/d/yyyy", "12/31/2015"),
        ("es", "d/M/yyyy", "31/12/2015"),
        ("pt_BR", "dd/MM/yyyy", "31/12/2015"),
        ("vi", "dd/MM/yyyy", "31/12/2015"),
    ],
)
def test_the_hint_shows_the_languages_order_with_a_four_digit_year(
    language: str, pattern: str, example: str
) -> None:
    assert date_input_pattern(language) == pattern
    assert date_example(language) == example


@pytest.mark.parametrize("language", DAY_FIRST)
@pytest.mark.parametrize(
    "typed", ["07/03/2015", "7/3/2015", "7/03/2015", " 07.03.2015 ", "7-3-2015", "2015-03-07"]
)
def test_day_first_languages_read_the_day_first(language: str, typed: str) -> None:
    assert parse_date(typed, language) == MARCH_7


def test_the_same_typing_is_another_day_in_english() -> None:
    assert parse_date("07/03/2015", "en") == date(2015, 7, 3)
    assert parse_date("2015-03-07", "en") == MARCH_7  # ISO in every language


@pytest.mark.parametrize("language", [*DAY_FIRST, "en", "es"])
@pytest.mark.parametrize(
    "typed",
    [
        "07/03/15",  # a two-digit year: 1915 or 2015?
        "7/3/015",
        "31/02/2015",  # no such day (in English: no 31st month)
        "29/02/2015",
        "03/13/2015",  # month first in a day-first language, day first in English
        "0/3/2015",
        "7/3",
        "12/",
        "7/3/2015/1",
        "7 mars 2015",
        "0015-03-07",
        "",
    ],
)
def test_what_is_not_a_date_in_the_language_is_refused_never_guessed(
    language: str, typed: str
) -> None:
    if language == "en" and typed == "03/13/2015":
        assert parse_date(typed, language) == date(2015, 3, 13)
        return
    with pytest.raises(ValueError):
        parse_date(typed, language)


@pytest.mark.parametrize("language", DAY_FIRST)
def test_the_kiosk_tells_a_bad_date_in_the_parents_language(language: str) -> None:
    for typed in ("07/03/15", "31/02/2015", "03/13/2015"):
        problem = date_problem(typed, language)
        assert problem == Msg("Enter the date like this: {example}.", example="31/12/2015")
        assert problem is not None and "31/12/2015" in problem.translate(language)
    assert date_problem("7/3/2015", language) is None


@pytest.mark.parametrize(
    ("language", "short", "medium"),
    [
        ("en", "3/7/2015", "Mar 7, 2015"),
        ("pt_BR", "07/03/2015", "7 de mar. de 2015"),
        ("vi", "07/03/2015", "7 thg 3, 2015"),
    ],
)
def test_dates_are_shown_the_languages_way(language: str, short: str, medium: str) -> None:
    assert format_short_date(MARCH_7, language) == short
    assert format_date(MARCH_7, language=language) == medium
    assert parse_date(format_short_date(MARCH_7, language), language) == MARCH_7


@pytest.mark.parametrize(
    ("language", "shown"),
    [
        ("en", "3/7/2015, 2:05\u202fPM"),  # CLDR puts a narrow no-break space before PM
        ("es", "7/3/2015, 14:05"),
        ("pt_BR", "07/03/2015 14:05"),
        ("vi", "14:05 07/03/2015"),
    ],
)
def test_a_moment_is_shown_with_the_whole_year(language: str, shown: str) -> None:
    """The desk's history and the support desk: "3/7/15" reads as a day, a month or a year."""
    assert format_short_datetime(datetime(2015, 3, 7, 14, 5), language) == shown


@pytest.mark.parametrize("language", DAY_FIRST)
def test_a_child_is_found_by_a_birthdate_typed_day_first(database: Database, language: str) -> None:
    small_roster(database)
    enrol(database, "1000010", "Thị Đặng", "Nguyễn", MARCH_7, "2468")
    session = register(database, language=language)
    typed = TypedChild(
        first_name="Nguyễn", last_name="Thị Đặng", student_id="1000010", ssn_last4="2468"
    )
    for bad in ("07/03/15", "31/02/2015"):
        with pytest.raises(FieldErrors) as refused:
            ask_for_child(
                database, session, typed.model_copy(update={"birthdate": bad}), language, PERSON
            )
        assert list(refused.value.fields) == ["birthdate"]
    linked = ask_for_child(
        database, session, typed.model_copy(update={"birthdate": "7/3/2015"}), language, PERSON
    )
    assert (linked.first_name, linked.last_name) == ("Thị Đặng", "Nguyễn")


@pytest.mark.parametrize("language", DAY_FIRST)
def test_the_desk_reads_an_id_expiry_in_the_clerks_language(language: str) -> None:
    set_language(language)
    typed = TypedIdentityCheck(IdType.PASSPORT, "K321", "01/05/2031", name_matches=True)
    assert identity_check_form(typed, date(2026, 10, 1)).id_expires == date(2031, 5, 1)
    with pytest.raises(FieldErrors) as refused:
        identity_check_form(
            TypedIdentityCheck(IdType.PASSPORT, "K321", "01/05/31", name_matches=True),
            date(2026, 10, 1),
        )
    assert refused.value.fields["id_expires"] == Msg(
        "Enter the date like {pattern}.", pattern="dd/MM/yyyy"
    )
