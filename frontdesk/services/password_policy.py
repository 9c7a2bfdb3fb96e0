"""What makes a password acceptable (NIST SP 800-63B rev. 4, single-factor passwords).

Long enough, not too long to hash, and not one people actually pick: not on the block list,
not built on a block-list entry (``passwordpassword``, ``P@ssw0rd2024!``; see
:mod:`frontdesk.services.password_block_list`), not repeated characters, sequences or keyboard
runs, not made of the person's own names, email or the district's name. No composition rules:
any characters, spaces and emoji are welcome, and a passphrase of a few words passes.

How guessable a password is, is zxcvbn's estimate (the Dropbox estimator, MIT licence; see
:mod:`frontdesk.services.password_estimate`): it finds the cheapest way to build the password
from dictionary words (the block list, English words, first and last names), l33t spellings,
reversals, repeats, sequences, keyboard runs and dates, and counts the guesses that takes.
Before the estimate, the password is read as a cracker reads it: the words an attacker who
knows the person tries first (their names, email, the district's name, "school") are taken
out, so are words said a second time and the spaces and punctuation between words; none of
them adds strength. A refused password is told why, in the person's language, from the
pattern that covers most of it (NIST asks for the reason).

zxcvbn's matching is quadratic in the length of what it is given and pure Python (a
64-character text takes about 30 ms), so only the first :data:`ESTIMATED_CHARACTERS`
characters of what is left are estimated. A password whose first 32 are hard to guess is hard
to guess; one whose first 32 are easy is refused for them, whatever follows.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from enum import IntEnum
from typing import Any

from zxcvbn import matching

from frontdesk.i18n import Msg
from frontdesk.names import fold_name
from frontdesk.security import MAX_PASSWORD_LENGTH, password_length
from frontdesk.services.password_block_list import built_on_common, common_passwords
from frontdesk.services.password_estimate import estimate

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


# --- how people dress a password up ------------------------------------------------------------

_BETWEEN_WORDS = re.compile(r"[\s\-_.,;:/\\'\"]+")
"""Spaces and punctuation between words: zxcvbn reads each as a random character and each
extra piece multiplies its estimate, so "my buster is buster" would pass; they are taken out
before the estimate (an attacker tries the usual separators first)."""


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
        guesses, sequence = estimate(estimated, context)
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
