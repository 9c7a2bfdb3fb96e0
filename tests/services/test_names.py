"""R9's name comparison: the way a clerk reads a name."""

from __future__ import annotations

import unicodedata

import pytest

from frontdesk.names import fold_name, full_name_matches, name_words, names_match

NFD = unicodedata.normalize("NFD", "Nguyễn Thị Đặng")
"""What some keyboards send: each letter, then its marks."""


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
        ("NGUYỄN", "Nguyễn"),
        (NFD, "Nguyễn Thị Đặng"),  # decomposed input against a precomposed record
        ("Nguyễn Thị Đặng", NFD),  # and the other way round
        ("Joao", "João"),  # Portuguese tilde
        ("CONCEICAO", "Conceição"),  # cedilla and tilde
        ("maria da conceicao", "Maria da Conceição"),
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


def test_decomposed_text_folds_like_precomposed_text() -> None:
    assert NFD != "Nguyễn Thị Đặng" and fold_name(NFD) == "nguyenthidang"
    assert name_words(NFD) == ("nguyen", "thi", "dang")


VIETNAMESE = ("Thị Đặng", "Nguyễn")
"""How a US roster keeps "Nguyễn Thị Đặng": the family name as the last name."""
PORTUGUESE = ("Maria da Conceição", "Silva")


@pytest.mark.parametrize(
    ("first", "last", "on_record"),
    [
        ("Thi Dang", "Nguyen", VIETNAMESE),  # as on record, without marks
        ("THỊ ĐẶNG", "NGUYỄN", VIETNAMESE),
        (NFD.split(" ", 1)[1], NFD.split(" ")[0], VIETNAMESE),  # decomposed
        ("Nguyễn", "Thị Đặng", VIETNAMESE),  # the fields swapped
        ("Nguyen", "Thi Dang", VIETNAMESE),
        ("Nguyễn Thị", "Đặng", VIETNAMESE),  # the name in the order it is said
        ("Đặng", "Nguyễn Thị", VIETNAMESE),  # the given name first, the rest as the last
        ("Maria da Conceicao", "Silva", PORTUGUESE),
        ("Maria", "da Conceição Silva", PORTUGUESE),  # split elsewhere between the fields
        ("Silva", "Maria da Conceição", PORTUGUESE),
        ("joão", "SILVA", ("João", "Silva")),
        ("Anne Marie", "Nguyen", ("Anne-Marie", "Nguyễn")),
        ("AnneMarie", "Nguyen", ("Anne-Marie", "Nguyễn")),  # within a field, as names_match
    ],
)
def test_a_whole_name_in_either_order_is_the_name_on_record(
    first: str, last: str, on_record: tuple[str, str]
) -> None:
    assert full_name_matches(first, last, *on_record)


@pytest.mark.parametrize(
    ("first", "last", "on_record"),
    [
        ("Dang Thi", "Nguyen", VIETNAMESE),  # the same words in another order
        ("Dang", "Nguyen", VIETNAMESE),  # a word left out
        ("Thi Dang", "Nguyen Van", VIETNAMESE),  # a word added
        ("Nguyen Thi Dang", "", VIETNAMESE),  # everything in one field
        ("", "Nguyen Thi Dang", VIETNAMESE),
        ("Maria", "Silva", PORTUGUESE),  # the particle and a name left out
        ("Maria Conceicao", "Silva", PORTUGUESE),
        ("Ann", "Adams", ("Anna", "Dams")),  # the same letters, other words
        ("Thi", "Nguyen", ("Thi Dang", "Nguyen")),
    ],
)
def test_other_names_are_refused(first: str, last: str, on_record: tuple[str, str]) -> None:
    assert not full_name_matches(first, last, *on_record)
