"""``python -m bench --only letters`` works, at a tiny size (the figures come from real runs)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import letters
from bench.context import BenchContext
from tests.letters import codes_in


def test_the_letters_bench_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(letters, "GUARDIANS", 3)
    ctx = BenchContext(students=0, workdir=tmp_path)
    letters.run(ctx)
    names = [name for name, _value, _unit in ctx.figures]
    assert names == [
        "letters_guardians",
        "letters_pages_per_second",
        "letters_seconds",
        "letters_peak_rss",
        "letters_pdf_size",
    ]
    assert dict((n, v) for n, v, _ in ctx.figures)["letters_peak_rss"] > 10
    assert len(codes_in(tmp_path / "letters.pdf")) == 3
