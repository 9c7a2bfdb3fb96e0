"""Screens open one another by name: every name the screens may use is registered."""

from __future__ import annotations

from typing import get_args

from screens.app import FrontdeskApp
from screens.base import ScreenName
from screens.kiosk.base import KioskStep
from screens.kiosk_app import KioskApp


def test_every_screen_name_is_made_by_exactly_one_app() -> None:
    staff = set(FrontdeskApp.SCREEN_KINDS)
    kiosk = set(KioskApp.SCREEN_KINDS)
    assert not staff & kiosk
    assert staff | kiosk == set(get_args(ScreenName))


def test_every_kiosk_step_is_kept_by_the_kiosk() -> None:
    assert set(KioskApp.STEPS) == set(get_args(KioskStep))
