"""The roster's column checks: a whole column at once gives what value by value gives."""

from __future__ import annotations

import pytest

from frontdesk.roster.checks import (
    CONTACT_CHECKS,
    STUDENT_CHECKS,
    Column,
    Refused,
    checked,
)

VALUES = [
    "",
    " ",
    "x",
    " Ana ",
    "José",
    "a b",
    "a" * 101,
    "2016-04-02",
    " 2016-04-02",
    "2016-02-30",
    "1577836800",
    "1234",
    " 1234 ",
    "12",
    "١٢٣٤",
    "active",
    "Active",
    "inactive",
    "yes",
    " NO ",
    "true",
    "maybe",
    "Maria@Example.ORG",
    " a@b.org ",
    "not-an-email",
    "x@" + "y" * 250 + ".org",
    "p/1.png",
]


@pytest.mark.parametrize("check", [*STUDENT_CHECKS, *CONTACT_CHECKS], ids=lambda c: c.name)
def test_a_column_at_once_is_the_values_one_by_one(check: Column) -> None:
    for value in VALUES:
        column = check.whole([value, value])
        try:
            expected = check.each(value)
        except Refused:
            assert column is None, value  # a bad value sends the column one value at a time
        else:
            # None is always allowed: the column is then taken value by value.
            assert column is None or column == [expected, expected], value


def test_bad_rows_are_told_by_place_with_every_reason() -> None:
    good = ["1000001", "0101", "José", "Núñez", "2016-04-02", "3", "active", "1234", ""]
    bad = ["1000002", "0101", "", "Núñez", "2016-02-30", "3", "gone", "12", ""]
    (numbers, *_rest, photos), problems = checked(STUDENT_CHECKS, [good, bad, good])
    assert numbers == ["1000001", "1000002", "1000001"]
    assert photos == [None, None, None]
    assert {place: [column for column, _ in reasons] for place, reasons in problems.items()} == {
        1: ["first_name", "birthdate", "status", "ssn_last4"]
    }
    assert [str(reason) for _, reason in problems[1]] == [
        "must not be empty",
        "not a date in the form YYYY-MM-DD",
        "must be active or inactive",
        "must be four digits, or empty",
    ]
