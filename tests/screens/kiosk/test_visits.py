"""A kiosk screen keeps what one parent typed or was shown in its ``visit`` and nowhere else,
so that replacing the visit forgets all of it: read in the code (no screen sets any other
attribute of its own) and seen on the kept screens after two parents (nothing but the visit
changed, and the visit is empty again)."""

from __future__ import annotations

import ast
import gc
import importlib
import inspect
import pkgutil
import textwrap
import weakref
from dataclasses import fields
from typing import Any

from textual.screen import Screen

import screens.kiosk
from frontdesk.db.engine import Database
from screens.kiosk.base import KioskScreen
from screens.kiosk.visit import Visit
from tests.factories import small_roster
from tests.screens.kiosk.helpers import kiosk, pass_human_check, press, settle
from tests.screens.kiosk.test_walkthrough import fill_account, fill_jose

WIDGET_STATE = {"composed_language"}
"""What a screen may set besides its visit: what its widgets were built with, the same for
every parent."""


def kiosk_screen_classes() -> list[type[Screen[Any]]]:
    """Every screen class defined in ``screens.kiosk``."""
    found: list[type[Screen[Any]]] = []
    for module_info in pkgutil.iter_modules(screens.kiosk.__path__, "screens.kiosk."):
        module = importlib.import_module(module_info.name)
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, Screen) and cls.__module__ == module.__name__:
                found.append(cls)
    return found


def attributes_set_on_self(cls: type) -> dict[str, int]:
    """Each attribute of ``self`` the class's own code sets (``self.x = …``, ``self.x += …``,
    ``setattr(self, …)``), with the line that does it."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(cls)))
    set_here: dict[str, int] = {}
    for node in ast.walk(tree):
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AnnAssign | ast.AugAssign):
            targets = [node.target]
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "setattr"
            and isinstance(node.args[0], ast.Name)
            and node.args[0].id == "self"
        ):
            set_here["setattr(self, …)"] = node.lineno
        for target in targets:
            for part in ast.walk(target):
                if (
                    isinstance(part, ast.Attribute)
                    and isinstance(part.value, ast.Name)
                    and part.value.id == "self"
                    and isinstance(part.ctx, ast.Store)
                ):
                    set_here[part.attr] = node.lineno
    return set_here


def test_no_kiosk_screen_keeps_anything_of_a_visit_outside_it() -> None:
    classes = kiosk_screen_classes()
    assert {"NewAccountScreen", "ChildMenuScreen", "StaffExitScreen"} <= {
        cls.__name__ for cls in classes
    }
    outside = {
        f"{cls.__name__}.{name} (line {line} of the class)"
        for cls in classes
        for name, line in attributes_set_on_self(cls).items()
        if name not in {"visit", *WIDGET_STATE}
    }
    assert not outside, f"per-visit state belongs in the screen's Visit: {sorted(outside)}"


class Leaky(KioskScreen[None]):
    """A screen that keeps a parent's name outside its visit."""

    def remember(self, name: str) -> None:
        self.last_name = name
        self.visit.notice = None  # inside the visit: allowed


def test_the_check_above_sees_an_attribute_set_outside_the_visit() -> None:
    assert set(attributes_set_on_self(Leaky)) == {"last_name"}


def own_attributes(screen: Screen[Any]) -> dict[str, object]:
    """The screen's public instance attributes (Textual's own are private or never rebound)."""
    return {name: value for name, value in vars(screen).items() if not name.startswith("_")}


def is_empty(visit: Visit, fresh: Visit) -> bool:
    """Whether ``visit`` holds no more than a fresh one of its kind (its human check may be
    drawn already: the empty form shows the next parent's question)."""
    assert type(visit) is type(fresh)
    return all(
        getattr(visit, f.name) == getattr(fresh, f.name)
        for f in fields(visit)
        if f.name != "challenge"
    )


async def walk(pilot, email: str) -> None:  # type: ignore[no-untyped-def]
    """A parent makes an account, adds a child, starts typing a letter code, looks at the
    enrollment form and the portal, and signs out."""
    await press(pilot, "#new-account")
    await fill_account(pilot, email=email)
    await pass_human_check(pilot)
    await press(pilot, "#submit")
    await press(pilot, "#add-child")
    await fill_jose(pilot, "4/2/2016")
    await pass_human_check(pilot)
    await press(pilot, "#add-student")
    await press(pilot, "#back")
    await press(pilot, "#letter-code")
    await pilot.press(*"K7QM4", "enter")  # a code half typed, refused beside the field
    await settle(pilot)
    await pilot.press("escape")
    await settle(pilot)
    await press(pilot, "#apply")
    await pilot.press("escape")
    await settle(pilot)
    await press(pilot, "#finished")
    await press(pilot, "#sign-out")


async def test_a_parent_changes_nothing_on_a_kept_screen_but_its_visit(one_db: Database) -> None:
    small_roster(one_db)
    app = kiosk(one_db)
    async with app.run_test(size=(110, 50)) as pilot:
        await settle(pilot)
        await walk(pilot, "maria@example.org")  # every kept screen is built now
        kept = dict(app.kept)
        assert len(kept) >= 8
        before = {name: own_attributes(screen) for name, screen in kept.items()}
        visits = {name: screen.visit for name, screen in kept.items()}
        await walk(pilot, "ana@example.org")
        assert app.kept == kept
        for name, screen in kept.items():
            after = own_attributes(screen)
            changed = {
                a for a, value in after.items() if before[name].get(a, object()) is not value
            }
            assert changed <= {"visit"}, (name, changed)
            assert screen.visit is not visits[name], name  # Ana had a visit of her own...
            if screen is not app.screen:  # (the welcome screen's is the next parent's)
                assert is_empty(screen.visit, screen.new_visit()), name  # ...and it is gone


async def test_what_a_parent_typed_is_gone_once_they_sign_out(one_db: Database) -> None:
    """Nothing keeps a finished visit alive: not the kept screen, not the service call that
    read it, not the idle thread that ran that call."""
    small_roster(one_db)
    app = kiosk(one_db)
    async with app.run_test(size=(110, 50)) as pilot:
        await settle(pilot)
        await press(pilot, "#new-account")
        await fill_account(pilot)
        await pass_human_check(pilot)
        await press(pilot, "#submit")
        await press(pilot, "#add-child")
        await fill_jose(pilot, "4/2/2016")
        await pass_human_check(pilot)
        typed = weakref.ref(app.screen.visit)  # holds the SSN digits the parent typed
        await press(pilot, "#add-student")
        await press(pilot, "#back")
        await press(pilot, "#finished")
        await press(pilot, "#sign-out")
        await settle(pilot)
        gc.collect()
        assert typed() is None, "a finished visit is still alive"
