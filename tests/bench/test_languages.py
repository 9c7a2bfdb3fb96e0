"""The language-switch bench (``python -m bench --only languages``) runs, on a tiny district:
every language is switched to on each screen, and the kept screens' memory is counted per
language offered. No timing is judged here (the machine running the tests is not quiet)."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from bench import languages
from bench.context import BenchContext
from screens.kiosk_app import KioskApp


def test_the_language_bench_switches_every_language_and_counts_each_ones_screens(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ctx = BenchContext(students=300, workdir=tmp_path)
    languages.run(ctx, rounds=2, offered=(1, 2))
    figures = {name: value for name, value, _unit in ctx.figures}
    assert all(math.isfinite(value) and value > 0 for value in figures.values()), figures

    codes = languages.languages()
    assert codes[:5] == ["en", "es", "ht", "pt_BR", "vi"]
    switch = "kiosk_language_switch"
    for screen in ("welcome", "new_account"):
        for code in codes:
            for stat in ("p50", "p95", "max"):
                assert f"{switch}_{screen}_{code}_complete_{stat}" in figures
        assert f"{switch}_{screen}_complete_cpu_p95" in figures
    assert figures[f"{switch}_switches_timed"] == 2 * len(codes) * 2  # rounds, languages, screens
    assert figures[f"{switch}_complete_p95_target"] == 50

    one, two = "kiosk_kept_screens_1_languages_offered", "kiosk_kept_screens_2_languages_offered"
    # Every step in each language (the switch on the welcome screen builds its own there).
    steps = len(KioskApp.STEPS)
    assert figures[f"{one}_screens"] == steps
    assert figures[f"{two}_screens"] == 2 * steps
    assert figures[f"{two}_memory"] > figures[f"{one}_memory"]
    assert figures[f"{two}_memory_{codes[1]}"] > 1  # MiB: eight screens, built and shown
    assert figures[f"{two}_objects"] > figures[f"{one}_objects"]
    out = capsys.readouterr().out
    assert f"{two}_memory_{codes[1]} " in out and " MiB\n" in out
