"""Every string the code marks for translation is in every shipped catalog, translated with
the msgid's placeholders, and the compiled .mo files say what the .po files say."""

from __future__ import annotations

import gettext
from pathlib import Path
from string import Formatter

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from frontdesk.i18n import SOURCE_LANGUAGE, shipped_languages
from frontdesk.resources import locale_dir

ROOT = Path(__file__).resolve().parents[1]
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2), "Msg": None, "t": None, "gettext_in": (2,)}


def msgids_in_code() -> set[str]:
    found: set[str] = set()
    for package in ("frontdesk", "screens"):
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / package, method_map=[("**.py", "python")], keywords=KEYWORDS
        ):
            found.add(message if isinstance(message, str) else message[0])
    return found


def catalog(language: str):  # type: ignore[no-untyped-def]
    with (locale_dir() / language / "LC_MESSAGES" / "frontdesk.po").open("rb") as po:
        return read_po(po, locale=language)


def test_english_and_the_kiosk_languages_are_shipped() -> None:
    assert shipped_languages()[0] == SOURCE_LANGUAGE


@pytest.mark.parametrize("language", shipped_languages())
def test_every_msgid_in_the_code_is_in_the_catalog(language: str) -> None:
    ids = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog(language) if m.id}
    missing = msgids_in_code() - ids
    assert not missing, f"run locales/update; missing from {language}: {sorted(missing)[:10]}"


@pytest.mark.parametrize("language", [lang for lang in shipped_languages() if lang != "en"])
def test_every_message_is_translated(language: str) -> None:
    untranslated = [
        m.id
        for m in catalog(language)
        if m.id and (not m.string or (isinstance(m.string, tuple) and not all(m.string)) or m.fuzzy)
    ]
    assert not untranslated, f"untranslated in {language}: {untranslated[:10]}"


@pytest.mark.parametrize("language", shipped_languages())
def test_the_compiled_catalog_matches_the_po_file(language: str, tmp_path: Path) -> None:
    fresh = tmp_path / "fresh.mo"
    with fresh.open("wb") as out:
        write_mo(out, catalog(language))
    shipped = locale_dir() / language / "LC_MESSAGES" / "frontdesk.mo"
    with fresh.open("rb") as a, shipped.open("rb") as b:
        assert gettext.GNUTranslations(a)._catalog == gettext.GNUTranslations(b)._catalog  # type: ignore[attr-defined]


def placeholders(text: str) -> set[str]:
    """The ``{name}`` fields ``str.format`` fills in ``text`` (``{{`` is a literal brace)."""
    return {
        name for _literal, name, _spec, _conversion in Formatter().parse(text) if name is not None
    }


@pytest.mark.parametrize("language", shipped_languages())
def test_every_translation_keeps_the_placeholders_of_its_msgid(language: str) -> None:
    # A dropped, renamed or added field makes .format() raise KeyError or show "{name}".
    wrong: list[str] = []
    for message in catalog(language):
        if not message.id:
            continue
        ids = (message.id,) if isinstance(message.id, str) else message.id
        strings = (message.string,) if isinstance(message.string, str) else message.string
        expected = set().union(*(placeholders(msgid) for msgid in ids))
        for string in strings:
            if not string:  # untranslated: gettext shows the msgid (English leaves them so)
                continue
            try:
                found = placeholders(string)
            except ValueError:  # an unmatched brace: .format() would raise
                found = {"<unmatched brace>"}
            if found != expected:
                wrong.append(f"{ids[0]!r}: {sorted(expected)} became {sorted(found)} in {string!r}")
    assert not wrong, f"placeholders changed in {language}:\n" + "\n".join(wrong)
