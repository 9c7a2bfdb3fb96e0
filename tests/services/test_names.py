"""R9's name comparison: the way a clerk reads a name."""

from __future__ import annotations

import pytest

from frontdesk.names import fold_name, names_match


@pytest.mark.parametrize(
    ("typed", "on_record"),
    [
        ("jose obrien-nguyen", "José O'Brien-Nguyễn"),
        ("JOSE O’BRIEN NGUYEN", "José O'Brien-Nguyễn"),  # curly apostrophe
        ("José Oʼbrien", "jose o'brien"),  # modifier-letter apostrophe (a "letter")
        ("Kealoha", "Keʻaloha"),  # Hawaiian ʻokina
        ("Lukasz Zolc", "Łukasz Żółć"),  # Polish ł does not decompose
        ("Soren Aero", "Søren Ærø"),  # Nordic ø and æ
        ("Strasse", "Straße"),  # German ß
        ("Isik Yilmaz", "Işık Yılmaz"),  # Turkish dotless ı
        ("ibrahim", "İbrahim"),  # Turkish dotted İ
        ("Dang Thi Huong", "Đặng Thị Hương"),  # Vietnamese đ and stacked marks
        ("Thordis", "Þórdís"),  # Icelandic þ
        ("Gudrun", "Guðrún"),  # Icelandic ð
        ("anne marie", "Anne-Marie"),
        ("  Ana   Luz ", "Ana Luz"),
        ("Ana-Luz", "Ana Luz"),
    ],
)
def test_names_a_clerk_would_call_the_same(typed: str, on_record: str) -> None:
    assert names_match(typed, on_record)


@pytest.mark.parametrize(
    ("typed", "on_record"),
    [("Ana", "Anna"), ("", ""), ("Jose", "Josefina"), ("'-", "")],
)
def test_names_that_differ(typed: str, on_record: str) -> None:
    assert not names_match(typed, on_record)


def test_the_key_is_letters_and_digits_only() -> None:
    assert fold_name("Dell'Orto-Ó Briain 2nd") == "dellortoobriain2nd"
