"""How many guesses a text takes: zxcvbn's estimate (the Dropbox estimator, MIT licence).

It finds the cheapest way to build the text from dictionary words (the block list, English
words, first and last names, and the context words it is given), l33t spellings, reversals,
repeats, sequences, keyboard runs and dates, and counts the guesses that takes. Called through
zxcvbn's ``matching`` and ``scoring`` modules, with its l33t table and repeat matcher replaced
by bounded ones: everything here changes with zxcvbn, nothing with the policy
(:mod:`frontdesk.services.password_policy`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal
from functools import cache
from typing import Any, cast

from zxcvbn import matching, scoring
from zxcvbn.frequency_lists import FREQUENCY_LISTS

from frontdesk.services.password_block_list import block_list

_MOST_L33T_READINGS = 8
"""Most l33t readings of a text zxcvbn tries in full (see :func:`_l33t_table`)."""


@cache
def frequent_words() -> dict[str, int]:
    """zxcvbn's word lists and our block list as one ranked dictionary.

    zxcvbn keeps the cheapest of the matches of a word in several lists, so one dictionary
    holding each word's best rank estimates the same and is searched once instead of seven
    times."""
    ranked: dict[str, int] = {}
    lists: list[Iterable[str]] = [*FREQUENCY_LISTS.values(), block_list()]
    for words in lists:
        for rank, word in enumerate(words, 1):
            if rank < ranked.get(word, rank + 1):
                ranked[word] = rank
    return ranked


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


def estimate(text: str, context: Iterable[str]) -> tuple[Decimal, list[dict[str, Any]]]:
    """The guesses ``text`` takes and the patterns of zxcvbn's cheapest reading of it.

    Called through zxcvbn's matching and scoring modules rather than ``zxcvbn()``: that one
    stores the user inputs in a module-wide dictionary (a race between two kiosks' threads)
    and searches each word list apart. Without zxcvbn's extra term for the number of pieces
    (``D^(l-1)``), which makes any five pieces "strong", "password!123456?qwerty" included."""
    dictionaries = {
        "frequent": frequent_words(),
        "user_inputs": matching.build_ranked_dict(sorted(context)),
    }
    matches = _matches(text, dictionaries)
    result = scoring.most_guessable_match_sequence(text, matches, _exclude_additive=True)
    return Decimal(result["guesses"]), cast(list[dict[str, Any]], result["sequence"])
