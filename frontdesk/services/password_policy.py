"""What makes a password acceptable (NIST SP 800-63B rev. 4, single-factor passwords).

Long enough, not too long to hash, and not one people actually pick: not on the block list,
not built on a block-list entry (``passwordpassword``, ``P@ssw0rd2024!``), not repeated
characters, sequences or keyboard runs, not made of the person's own names, email or the
district's name. No composition rules: any characters, spaces and emoji are welcome, and a
passphrase of a few words passes.

How guessable a password is, is zxcvbn's estimate (the Dropbox estimator, MIT licence): it
finds the cheapest way to build the password from dictionary words (the block list, English
words, first and last names), l33t spellings, reversals, repeats, sequences, keyboard runs and
dates, and counts the guesses that takes. Before the estimate, the password is read as a
cracker reads it: the words an attacker who knows the person tries first (their names, email,
the district's name, "school") are taken out, so are words said a second time and the spaces
and punctuation between words; none of them adds strength. A refused password is told why, in
the person's language, from the pattern that covers most of it (NIST asks for the reason).

zxcvbn's matching is quadratic in the length of what it is given and pure Python (a
64-character text takes about 30 ms), so only the first :data:`ESTIMATED_CHARACTERS`
characters of what is left are estimated. A password whose first 32 are hard to guess is hard
to guess; one whose first 32 are easy is refused for them, whatever follows.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from decimal import Decimal
from enum import IntEnum
from functools import cache
from typing import Any, cast

from zxcvbn import matching, scoring
from zxcvbn.frequency_lists import FREQUENCY_LISTS

from frontdesk.i18n import Msg
from frontdesk.names import fold_name
from frontdesk.resources import data_dir
from frontdesk.security import MAX_PASSWORD_LENGTH, password_length

MAX_LENGTH = MAX_PASSWORD_LENGTH
"""Longest password accepted (NIST asks for at least 64)."""
ESTIMATED_CHARACTERS = 32
"""How much of a password zxcvbn estimates: a whole check of a 128-character password then
takes 4 to 11 ms of CPU (digits cost most), an everyday one about 2 ms; see
``bench/password_policy.py``."""
MIN_GUESSES = 10**9
"""Fewest estimated guesses accepted. Read as above, the weak passwords people pick estimate
below 10^8.5 and passphrases of three or four everyday words at 10^9.5 to 10^15; a billion
argon2id guesses (OWASP's parameters) take hundreds of CPU-days for one stolen hash, and the
sign-in locks after a few."""
_MOST_L33T_READINGS = 8
"""Most l33t readings of a text zxcvbn tries in full (see :func:`_l33t_table`)."""
_SHORTEST_CONTEXT_WORD = 3
"""Shorter parts of names ("O" of O'Brien, "Li") are too common in other words to take out."""
SCHOOL_WORDS = (
    "school", "schools", "escuela", "escuelas", "lekol", "lekòl", "escola", "escolas",
    "trường", "truong", "trườnghọc", "truonghoc",
)  # fmt: skip
"""The word "school" in the kiosk's languages, with and without accents: the first word tried
against any school."""
_STOP_WORDS = frozenset({"the", "and", "for", "los", "las", "del", "les"})
_NON_LETTERS = re.compile(r"[\W\d_]+")
_NON_DIGITS = re.compile(r"\D")
_WORD = re.compile(r"[^\W_]+")


class Weakness(IntEnum):
    """Why a password is easy to guess, most telling first (the order breaks ties)."""

    NAME = 1
    EMAIL = 2
    DISTRICT = 3
    COMMON = 4
    KEYBOARD = 5
    SEQUENCE = 6
    REPEATED_CHARACTER = 7
    REPEATED_GROUP = 8
    DATES = 9
    WORDS = 10
    GUESSABLE = 11


REASONS: Mapping[Weakness, Msg] = {
    Weakness.NAME: Msg("This password contains your name. Add words that are not about you."),
    Weakness.EMAIL: Msg(
        "This password contains your email address or user name. Add words that are not about you."
    ),
    Weakness.DISTRICT: Msg(
        "This password contains the district's name or the word school. Add other words."
    ),
    Weakness.COMMON: Msg(
        "This password is built on a common password. Adding digits, symbols or repeats does "
        "not hide it."
    ),
    Weakness.KEYBOARD: Msg(
        "This password uses a run of keys on the keyboard, like qwerty. Use a few words instead."
    ),
    Weakness.SEQUENCE: Msg(
        "This password uses a sequence, like abcd or 1234. Use a few words instead."
    ),
    Weakness.REPEATED_CHARACTER: Msg("This password repeats a character. Use a few words instead."),
    Weakness.REPEATED_GROUP: Msg(
        "This password repeats the same letters or words. Use a few different words instead."
    ),
    Weakness.DATES: Msg("This password is mostly dates or years. Add a few words."),
    Weakness.WORDS: Msg(
        "This password is a few very common words or names. Add another word or two."
    ),
    Weakness.GUESSABLE: Msg("This password is too easy to guess. Add another word or two."),
}
"""What a refused password is told, by weakness."""

TOO_COMMON = Msg("This password is too common; it is on a list of leaked passwords.")


# --- dictionaries -------------------------------------------------------------------------------


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list of common and breached passwords, case-folded."""
    return frozenset(_block_list())


@cache
def _block_list() -> tuple[str, ...]:
    """The shipped block list, most common first."""
    path = data_dir() / "passwords" / "common.txt"
    lines = path.read_text(encoding="utf-8").splitlines()
    return tuple(line for line in lines if line and not line.startswith("#"))


@cache
def _frequent_words() -> dict[str, int]:
    """zxcvbn's word lists and our block list as one ranked dictionary.

    zxcvbn keeps the cheapest of the matches of a word in several lists, so one dictionary
    holding each word's best rank estimates the same and is searched once instead of seven
    times."""
    ranked: dict[str, int] = {}
    lists: list[Iterable[str]] = [*FREQUENCY_LISTS.values(), _block_list()]
    for words in lists:
        for rank, word in enumerate(words, 1):
            if rank < ranked.get(word, rank + 1):
                ranked[word] = rank
    return ranked


# --- how people dress a password up ------------------------------------------------------------

_BETWEEN_WORDS = re.compile(r"[\s\-_.,;:/\\'\"]+")
"""Spaces and punctuation between words: zxcvbn reads each as a random character and each
extra piece multiplies its estimate, so "my buster is buster" would pass; they are taken out
before the estimate (an attacker tries the usual separators first)."""
_PADDING = re.compile(r"\s*(?:\d{1,4}\s*(?:([^\w\s])\1*)?|([^\w\s])\2*\s*(?:\d{1,4})?)?\s*")
"""What people pad a password with: a year or a short number and a run of one symbol, in
either order (``2024!!!``, ``!1``), on each side."""
_PADDED_SIDE = 32
"""Padding longer than this is a repeat, which the estimate finds."""
_SEPARATORS = re.compile(r"[\W\d_]+")
_REPEATED = re.compile(r"^(.+?)\1+$")
_L33T = {"4": "a", "@": "a", "8": "b", "3": "e", "6": "g", "9": "g", "0": "o", "$": "s", "5": "s"}
_L33T |= {"+": "t", "%": "x", "2": "z", "(": "c", "{": "c", "[": "c", "<": "c", "!": "i"}
_UNL33T = (
    str.maketrans(_L33T | {"1": "i", "|": "i", "7": "t"}),
    str.maketrans(_L33T | {"1": "l", "|": "l", "7": "l"}),
)
"""zxcvbn's l33t table read back, once with 1 and | as i, once as l."""


def _is_common(text: str) -> bool:
    """Whether ``text`` (case-folded) is a block-list entry or one repeated, as typed or read
    back from l33t without separators (``p@ss-w0rd``)."""
    blocked = common_passwords()
    for form in (text, *(_SEPARATORS.sub("", text.translate(t)) for t in _UNL33T)):
        repeated = _REPEATED.match(form)
        if form in blocked or (repeated is not None and repeated[1] in blocked):
            return True
    return False


def built_on_common(password: str) -> bool:
    """Whether ``password`` is a block-list entry under padding, l33t spelling, capitals or
    separators: ``Seven72024!!!``, ``!!P@ssw0rd1``, ``pass-word``, ``welcomewelcome``.

    zxcvbn prices padding generously (a year as any date, ``!!!!`` as 60 guesses), so a rare
    entry with a year and a few ``!`` estimates at 10^9 to 10^10 guesses, though it is the
    first thing a cracker's rules try."""
    text = password.casefold()
    size = len(text)
    starts = [p for p in range(min(size, _PADDED_SIDE) + 1) if _PADDING.fullmatch(text, 0, p)]
    ends = [e for e in range(max(0, size - _PADDED_SIDE), size + 1) if _PADDING.fullmatch(text, e)]
    return any(_is_common(text[p:e]) for p in starts for e in ends if e - p >= 3)


# --- context words ------------------------------------------------------------------------------


def _forms(text: str) -> set[str]:
    """A context text, its letter runs and their accent-free forms, long enough to matter."""
    text = unicodedata.normalize("NFC", text.strip()).casefold()
    parts = {text, "".join(_NON_LETTERS.split(text)), *_NON_LETTERS.split(text)}
    forms = parts | {fold_name(part) for part in parts}
    return {f for f in forms if len(f) >= _SHORTEST_CONTEXT_WORD and f not in _STOP_WORDS}


def context_words(
    *, email: str = "", names: Iterable[str] = (), district: str = ""
) -> dict[str, Weakness]:
    """The words an attacker who knows the person and the district tries first, by kind."""
    words: dict[str, Weakness] = {}
    for word in _forms(district) | set(SCHOOL_WORDS):
        words[word] = Weakness.DISTRICT
    email = email.strip()
    for word in _forms(email) | _forms(email.split("@")[0]):
        words[word] = Weakness.EMAIL
    joined = "".join(names)
    for word in set().union(*(_forms(n) for n in (*names, joined))):
        words[word] = Weakness.NAME
    return words


def _take_out(password: str, context: Mapping[str, Weakness]) -> tuple[str, dict[Weakness, int]]:
    """``password`` without its context words, and how many characters each kind covered."""
    if not context:
        return password, {}
    pattern = re.compile(
        "|".join(re.escape(w) for w in sorted(context, key=len, reverse=True)), re.IGNORECASE
    )
    covered: dict[Weakness, int] = {}
    for found in pattern.finditer(password):
        kind = _personal(found.group(), context)
        covered[kind] = covered.get(kind, 0) + len(found.group())
    return pattern.sub("", password), covered


def _drop_repeated_words(text: str) -> tuple[str, int]:
    """``text`` without the words it has already said, and how many characters they were.

    zxcvbn sees a repeat only when it follows itself: "buster!buster?buster" would pass."""
    seen: set[str] = set()
    dropped = 0

    def once(word: re.Match[str]) -> str:
        nonlocal dropped
        key = word.group().casefold()
        if len(key) < _SHORTEST_CONTEXT_WORD or key not in seen:
            seen.add(key)
            return word.group()
        dropped += len(key)
        return ""

    return _WORD.sub(once, text), dropped


# --- the estimate -------------------------------------------------------------------------------


def _l33t_table(text: str) -> dict[str, list[str]]:
    """zxcvbn's l33t table for ``text``, kept to one spelling of each letter when ``text``
    mixes many: zxcvbn tries every combination, each a dictionary search (736 of them for a
    text of all twenty l33t symbols, 0.3 s), and few words mix two spellings of one letter."""
    relevant: dict[str, list[str]] = matching.relevant_l33t_subtable(text, matching.L33T_TABLE)
    if math.prod(len(spellings) for spellings in relevant.values()) <= _MOST_L33T_READINGS:
        return relevant
    return {letter: [min(spellings, key=text.index)] for letter, spellings in relevant.items()}


Dictionaries = Mapping[str, Mapping[str, int]]


def _matches(text: str, dictionaries: Dictionaries) -> list[dict[str, Any]]:
    """zxcvbn's ``omnimatch``, with the l33t table of :func:`_l33t_table` and the repeats of
    :func:`_repeat_match`."""
    matchers = (
        matching.dictionary_match,
        matching.reverse_dictionary_match,
        matching.spatial_match,
        matching.sequence_match,
        matching.regex_match,
        matching.date_match,
    )
    found: list[dict[str, Any]] = []
    for matcher in matchers:
        found.extend(matcher(text, _ranked_dictionaries=dictionaries))
    found.extend(matching.l33t_match(text, dictionaries, _l33t_table=_l33t_table(text)))
    found.extend(_repeat_match(text, dictionaries))
    return sorted(found, key=lambda m: (m["i"], m["j"]))


_GREEDY = re.compile(r"(.+)\1+")
_LAZY = re.compile(r"(.+?)\1+")
_LAZY_ANCHORED = re.compile(r"^(.+?)\1+$")


def _repeat_match(text: str, dictionaries: Dictionaries) -> list[dict[str, Any]]:
    """zxcvbn's ``repeat_match``, its repeated part read with our dictionaries and l33t table
    (zxcvbn's own reads it with its full l33t table: 0.4 s for a 40-character text)."""
    found: list[dict[str, Any]] = []
    start = 0
    while start < len(text):
        greedy = _GREEDY.search(text, pos=start)
        lazy = _LAZY.search(text, pos=start)
        if greedy is None or lazy is None:
            break
        if len(greedy.group(0)) > len(lazy.group(0)):
            match = greedy  # "aabaab": the greedy "aab" twice, not the lazy "a" twice
            anchored = _LAZY_ANCHORED.search(match.group(0))
            base = anchored.group(1) if anchored else match.group(1)
        else:
            match, base = lazy, lazy.group(1)
        base_reading = scoring.most_guessable_match_sequence(base, _matches(base, dictionaries))
        found.append(
            {
                "pattern": "repeat",
                "i": match.start(),
                "j": match.end() - 1,
                "token": match.group(0),
                "base_token": base,
                "base_guesses": base_reading["guesses"],
                "base_matches": base_reading["sequence"],
                "repeat_count": len(match.group(0)) / len(base),
            }
        )
        start = match.end()
    return found


def _estimate(text: str, context: Iterable[str]) -> tuple[Decimal, list[dict[str, Any]]]:
    """The guesses ``text`` takes and the patterns of zxcvbn's cheapest reading of it.

    Called through zxcvbn's matching and scoring modules rather than ``zxcvbn()``: that one
    stores the user inputs in a module-wide dictionary (a race between two kiosks' threads)
    and searches each word list apart. Without zxcvbn's extra term for the number of pieces
    (``D^(l-1)``), which makes any five pieces "strong", "password!123456?qwerty" included."""
    dictionaries = {
        "frequent": _frequent_words(),
        "user_inputs": matching.build_ranked_dict(sorted(context)),
    }
    matches = _matches(text, dictionaries)
    result = scoring.most_guessable_match_sequence(text, matches, _exclude_additive=True)
    return Decimal(result["guesses"]), cast(list[dict[str, Any]], result["sequence"])


def _shape(token: str) -> Weakness | None:
    """Whether a token is really a sequence, a keyboard run or a repeat (``1234567890`` is on
    the block list and a run of keys too, but "sequence" says it best)."""
    lowered = token.lower()
    shapes = (
        (matching.sequence_match, Weakness.SEQUENCE),
        (matching.spatial_match, Weakness.KEYBOARD),
        (matching.repeat_match, Weakness.REPEATED_GROUP),
    )
    for matcher, kind in shapes:
        covered = {k for m in matcher(lowered) for k in range(m["i"], m["j"] + 1)}
        if len(covered) * 4 >= len(token) * 3:
            return kind
    return None


def _personal(text: str, context: Mapping[str, Weakness]) -> Weakness:
    """The kind of a context word found; an email's ``maria.nguyen`` is the person's name."""
    kind = context.get(text.casefold(), Weakness.NAME)
    if kind is not Weakness.EMAIL:
        return kind
    names = [w for w, k in context.items() if k is Weakness.NAME]
    rest = re.sub(
        "|".join(map(re.escape, sorted(names, key=len, reverse=True))), "", fold_name(text)
    )
    return Weakness.NAME if names and not _NON_DIGITS.search(rest) else kind


def _weakness_of(match: Mapping[str, Any], context: Mapping[str, Weakness]) -> Weakness | None:
    """What one pattern of zxcvbn's reading is, in our terms; ``None`` for random characters."""
    pattern = match["pattern"]
    if pattern == "dictionary":
        word = match["matched_word"]
        if match["dictionary_name"] == "user_inputs":
            return _personal(word, context)
        if (shape := _shape(match["token"])) is not None:
            return shape
        return Weakness.COMMON if word in common_passwords() else Weakness.WORDS
    if pattern == "repeat":
        base = str(match["base_token"])
        if len(base) == 1:
            return Weakness.REPEATED_CHARACTER
        common = base.casefold() in common_passwords() or any(
            m["pattern"] == "dictionary" and m["matched_word"] in common_passwords()
            for m in match["base_matches"]
        )
        return Weakness.COMMON if common and _shape(base) is None else Weakness.REPEATED_GROUP
    if pattern == "spatial":
        return (
            Weakness.SEQUENCE if _shape(match["token"]) is Weakness.SEQUENCE else Weakness.KEYBOARD
        )
    return {
        "sequence": Weakness.SEQUENCE,
        "regex": Weakness.DATES,
        "date": Weakness.DATES,
    }.get(pattern)


def weakness(password: str, context: Mapping[str, Weakness]) -> Weakness | None:
    """Why ``password`` is easy to guess, or ``None`` when it is not: the pattern (or the kind
    of context word) that covers most of it."""
    rest, covered = _take_out(unicodedata.normalize("NFC", password), context)
    rest, repeated = _drop_repeated_words(rest)
    if repeated:
        covered[Weakness.REPEATED_GROUP] = repeated
    estimated = _BETWEEN_WORDS.sub("", rest)[:ESTIMATED_CHARACTERS]
    sequence: list[dict[str, Any]] = []
    if estimated:
        guesses, sequence = _estimate(estimated, context)
        if guesses >= MIN_GUESSES:
            return None
    found = dict(covered)
    for match in sequence:
        kind = _weakness_of(match, context)
        if kind is not None:
            found[kind] = found.get(kind, 0) + len(match["token"])
    if not found:
        return Weakness.GUESSABLE
    return max(found, key=lambda kind: (found[kind], -kind))


def password_problem(
    password: str,
    *,
    min_length: int,
    email: str = "",
    names: tuple[str, ...] = (),
    district: str = "",
) -> Msg | None:
    """Why ``password`` is refused, or ``None`` when it is acceptable.

    ``email`` (or a staff user name), ``names`` and ``district`` are the context words.
    Nothing here hashes: an over-long password is refused first, before anything looks at it.
    """
    length = password_length(password)
    if length > MAX_LENGTH:
        return Msg("Use at most {n} characters.", n=MAX_LENGTH)
    if length < min_length:
        return Msg("Use at least {n} characters.", n=min_length)
    if password.strip().casefold() in common_passwords():
        return TOO_COMMON
    kind = weakness(password, context_words(email=email, names=names, district=district))
    if kind is None and built_on_common(password):
        kind = Weakness.COMMON
    return None if kind is None else REASONS[kind]
