"""Issue 10 §7's cost figure: how long the password policy takes to judge a password, for the
longest allowed (128 characters) of each kind that makes zxcvbn work hardest, for everyday
passwords, and for a 10 MB paste (refused before anything looks at it).

CPU time of this process (one thread), so the figures hold on a shared machine; each is the
median (and the slowest) of ``RUNS`` checks.
"""

from __future__ import annotations

import random
import string
import time
from collections.abc import Callable

from bench.context import BenchContext, median
from frontdesk.security import PasswordHasher
from frontdesk.services import password_block_list, password_estimate
from frontdesk.services.password_policy import password_problem

RUNS = 30
CONTEXT = {
    "email": "maria.nguyen85@example.org",
    "names": ("María", "Nguyễn"),
    "district": "Owl County School District",
}
_rng = random.Random(10)
LONGEST = {
    "passphrase": ("kayak otters juggle lemons under purple neon skies " * 3)[:128],
    "random": "".join(_rng.choice(string.printable[:94] + " ") for _ in range(128)),
    "digits": "".join(_rng.choice(string.digits) for _ in range(128)),
    "l33t_symbols": ("4@8([{<3691!|70$5+%2" * 7)[:128],
    "one_character": "a" * 128,
    "common_word_repeated": "password" * 16,
    "dates": "19851231" * 16,
}
"""128-character passwords of the kinds that cost zxcvbn most (digits: dates and sequences
everywhere; l33t symbols: every spelling of every letter)."""
EVERYDAY = [
    "correct horse battery staple",
    "my kids go to Lincoln Elementary",
    "Mi hija ama los gatos negros",
    "purple elephant dancing slowly",
    "qwertyuiopasdfg",
    "passwordpassword",
    "MariaNguyen2024!",
    "Welcome2024!!!!!",
]


def _cpu_ms(action: Callable[[], object], runs: int = RUNS) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.process_time()
        action()
        times.append((time.process_time() - started) * 1000)
    return times


def _check(password: str) -> Callable[[], object]:
    return lambda: password_problem(password, min_length=15, **CONTEXT)  # type: ignore[arg-type]


def run(ctx: BenchContext) -> None:
    password_block_list.common_passwords.cache_clear()
    password_block_list.block_list.cache_clear()
    password_estimate.frequent_words.cache_clear()
    (first,) = _cpu_ms(_check("correct horse battery staple"), runs=1)
    ctx.report("password_policy_first_check_builds_dictionaries", first, "ms")
    slowest = 0.0
    for kind, password in LONGEST.items():
        times = _cpu_ms(_check(password))
        slowest = max(slowest, max(times))
        ctx.report(f"password_policy_128_chars_{kind}_median", median(times), "ms")
    ctx.report("password_policy_128_chars_slowest", slowest, "ms")
    everyday = [t for password in EVERYDAY for t in _cpu_ms(_check(password), runs=10)]
    ctx.report("password_policy_everyday_median", median(everyday), "ms")
    huge = "correct horse " * 750_000
    ctx.report("password_policy_10MB_refused", median(_cpu_ms(_check(huge), runs=5)), "ms")
    hasher = PasswordHasher()
    stored = hasher.hash("correct horse battery staple")
    normal = median(_cpu_ms(lambda: hasher.verify(stored, "wrong horse battery staple"), 5))
    ctx.report("password_verify_wrong_median", normal, "ms")
    ctx.report(
        "password_verify_10MB_median", median(_cpu_ms(lambda: hasher.verify(stored, huge), 5)), "ms"
    )
