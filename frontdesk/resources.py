"""Where the shipped data files and translation catalogs are.

In a source checkout (or an editable install) they sit at the top of the repository;
in a wheel they travel inside the package as ``_data`` and ``_locales``.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _find(packaged: str, top_level: str) -> Path:
    inside = _PACKAGE / packaged
    if inside.is_dir():
        return inside
    return _PACKAGE.parent / top_level


@cache
def data_dir() -> Path:
    """The folder with the demo district, name lists and the password block list."""
    return _find("_data", "data")


@cache
def locale_dir() -> Path:
    """The folder with ``<lang>/LC_MESSAGES/frontdesk.mo`` catalogs."""
    return _find("_locales", "locales")
