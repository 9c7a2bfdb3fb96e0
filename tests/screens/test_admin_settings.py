"""The Parent Registration settings screen (R19): each tab's change reaches what the kiosk reads,
bad values are refused beside their field, and every save is audited with old and new values."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from textual.widgets import (
    Button,
    Checkbox,
    Input,
    Label,
    Select,
    Static,
    TabbedContent,
    Tabs,
    TextArea,
)

from frontdesk.db.engine import Database
from frontdesk.db.models import AuditEvent, StaffRole
from frontdesk.district_settings import AccountField, Identifier, RateLimits, TextKey
from frontdesk.i18n import shipped_languages
from frontdesk.services.audit import Actor
from frontdesk.services.district import load_settings, save_settings, settings_version
from screens.admin.settings import SettingsScreen
from screens.admin.settings_tabs.limits import RATE_LIMIT_LABELS
from screens.admin.welcome_preview import WelcomePreview, welcome_text
from screens.app import FrontdeskApp
from screens.desk.home import StaffHomeScreen
from screens.kiosk.welcome import WelcomeScreen
from tests.factories import change_settings, staff_member
from tests.screens.kiosk.helpers import kiosk, settle


def text_of(app: FrontdeskApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def open_settings(app: FrontdeskApp, pilot: object, database: Database) -> SettingsScreen:
    app.staff = staff_member(database, "ada", StaffRole.ADMIN, [])
    app.push_screen(StaffHomeScreen())
    await app.workers.wait_for_complete()
    await pilot.pause()  # type: ignore[attr-defined]
    await pilot.click("#area-settings")  # type: ignore[attr-defined]
    await app.workers.wait_for_complete()
    await pilot.pause()  # type: ignore[attr-defined]
    assert isinstance(app.screen, SettingsScreen)
    return app.screen


async def test_a_change_in_each_tab_reaches_the_kiosk_and_the_audit(database: Database) -> None:
    with database.read() as uow:
        version = settings_version(uow)
    app = FrontdeskApp(database, start="desk")
    async with app.run_test(size=(110, 45)) as pilot:
        screen = await open_settings(app, pilot, database)
        # District: typed from the keyboard.
        await pilot.click("#set-district_name")
        screen.query_one("#set-district_name", Input).value = ""
        await pilot.press(*"Heron County Schools")
        screen.query_one("#set-logo", TextArea).text = "== HERON =="
        # Languages and texts: an English title, no Spanish one (flagged), a Spanish button.
        screen.query_one("#tabs").active = "tab-languages"  # type: ignore[attr-defined]
        await pilot.pause()
        screen.query_one("#text-en-welcome_title", TextArea).text = "Welcome, families"
        screen.query_one("#text-es-new_account_button", TextArea).text = "Crear una cuenta"
        await pilot.pause()
        assert not screen.query_one("#fallback-es-welcome_title", Label).has_class("-hidden")
        assert screen.query_one("#fallback-en-welcome_title", Label).has_class("-hidden")
        # Account form: address required, email on record, one district question.
        screen.query_one("#tabs").active = "tab-account"  # type: ignore[attr-defined]
        await pilot.pause()
        screen.query_one("#acct-address", Checkbox).value = True
        screen.query_one("#set-email_must_be_on_record", Checkbox).value = True
        await pilot.click("#xf-add")
        await pilot.pause()
        screen.query_one("#xf-0-key", Input).value = "bus_route"
        screen.query_one("#xf-0-label-en", Input).value = "Bus route"
        screen.query_one("#xf-0-required", Checkbox).value = True
        # Children and links: no SSN digits, links go live at once, no photo-ID visit.
        screen.query_one("#tabs").active = "tab-children"  # type: ignore[attr-defined]
        await pilot.pause()
        screen.query_one("#ident-ssn_last4", Checkbox).value = False
        screen.query_one("#set-links_bypass_verification", Checkbox).value = True
        screen.query_one("#set-photo_id_visit_required", Checkbox).value = False
        # Security and limits: idle time, a weak minimum (warned, allowed), a rate limit.
        screen.query_one("#tabs").active = "tab-limits"  # type: ignore[attr-defined]
        await pilot.pause()
        screen.query_one("#set-kiosk_idle_seconds", Input).value = "300"
        screen.query_one("#set-min_password_length", Input).value = "12"
        screen.query_one("#rl-signin_failures_per_account", Input).value = "7"
        await pilot.pause()
        assert "Below 15 characters" in str(screen.query_one("#password-warning", Label).render())
        # The preview shows the draft as a Spanish-speaking parent will see it.
        screen.query_one("#tabs").active = "tab-preview"  # type: ignore[attr-defined]
        screen.query_one("#preview-language").value = "es"  # type: ignore[attr-defined]
        await pilot.pause()
        assert text_of(app, "#preview-title") == "Welcome, families"
        assert text_of(app, "#preview-new_account_button") == "Crear una cuenta"
        assert "== HERON ==" in text_of(app, ".preview-logo")
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.district.district_name == "Heron County Schools"

    with database.read() as uow:
        settings = load_settings(uow)
        assert settings_version(uow) == version + 1
        audit = uow.session.scalars(select(AuditEvent)).all()
    # What the kiosk reads: the settings row behind District.version.
    assert settings.district_name == "Heron County Schools"
    assert settings.logo == "== HERON =="
    assert welcome_text(settings, TextKey.WELCOME_TITLE, "es") == "Welcome, families"
    assert welcome_text(settings, TextKey.NEW_ACCOUNT_BUTTON, "es") == "Crear una cuenta"
    assert AccountField.ADDRESS in settings.required_account_fields
    assert settings.email_must_be_on_record
    assert [(f.key, f.labels, f.required) for f in settings.extra_fields] == [
        ("bus_route", {"en": "Bus route"}, True)
    ]
    assert Identifier.SSN_LAST4 not in settings.required_identifiers
    assert settings.links_bypass_verification and not settings.photo_id_visit_required
    assert settings.kiosk_idle_seconds == 300 and settings.min_password_length == 12
    assert settings.rate_limits.signin_failures_per_account == 7
    (row,) = [a for a in audit if a.action == "settings.change"]
    assert row.actor_name == "ada"
    changes = row.details["changes"]
    assert changes["district_name"] == {
        "old": "Owl County School District",
        "new": "Heron County Schools",
    }
    assert changes["kiosk_idle_seconds"] == {"old": 120, "new": 300}
    assert changes["links_bypass_verification"] == {"old": False, "new": True}


async def test_an_invalid_value_is_refused_beside_its_field(database: Database) -> None:
    app = FrontdeskApp(database, start="desk")
    async with app.run_test(size=(110, 45)) as pilot:
        screen = await open_settings(app, pilot, database)
        screen.query_one("#set-kiosk_idle_seconds", Input).value = "5"
        screen.query_one("#rl-window_minutes", Input).value = "often"
        screen.query_one("#set-district_name", Input).value = ""
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        errors = {
            name: str(screen.query_one(f"#field-{name} .field-error", Label).render())
            for name in ("kiosk_idle_seconds", "rate_limits-window_minutes", "district_name")
        }
        assert errors == {
            "kiosk_idle_seconds": "At least 15.",
            "rate_limits-window_minutes": "Enter a whole number.",
            "district_name": "This must not be empty.",
        }
        assert text_of(app, "#form-error") == "Please correct the fields marked in red."
        # Nothing typed is lost.
        assert screen.query_one("#rl-window_minutes", Input).value == "often"
        # Two identifiers are the least a parent may be asked for: a model-wide rule.
        screen.query_one("#set-kiosk_idle_seconds", Input).value = "60"
        screen.query_one("#rl-window_minutes", Input).value = "60"
        screen.query_one("#set-district_name", Input).value = "Owl County"
        for identifier in ("first_name", "last_name", "birthdate", "ssn_last4"):
            screen.query_one(f"#ident-{identifier}", Checkbox).value = False
        screen.query_one("#set-force_name_entry", Checkbox).value = False
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.query_one("#tabs").active == "tab-children"  # type: ignore[attr-defined]
        assert (
            str(screen.query_one("#field-required_identifiers .field-error", Label).render())
            == "Require at least two identifiers to add a child."
        )
    with database.read() as uow:
        assert load_settings(uow).kiosk_idle_seconds == 120
        assert uow.session.scalars(select(AuditEvent.action)).all() == ["staff.create"]


async def test_where_the_tabs_do_not_fit_the_sections_are_chosen_from_a_list(
    database: Database,
) -> None:
    app = FrontdeskApp(database, start="desk")
    async with app.run_test(size=(80, 30)) as pilot:
        screen = await open_settings(app, pilot, database)
        tabs = screen.query_one("#tabs", TabbedContent)
        section = screen.query_one("#section", Select)
        assert not tabs.query_one(Tabs).display and section.display
        section.focus()
        await pilot.press("enter", "down", "down", "enter")  # District, Languages, Account form
        await pilot.pause()
        assert tabs.active == "tab-account"
        assert screen.query_one("#set-email_must_be_on_record").region.height
        # A refused value in another section shows that section, in the list too.
        screen.query_one("#tabs").active = "tab-limits"  # type: ignore[attr-defined]
        await pilot.pause()
        screen.query_one("#set-kiosk_idle_seconds", Input).value = "5"
        tabs.active = "tab-district"
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert tabs.active == "tab-limits" and section.value == "tab-limits"
        # Wide enough again: the tabs are back.
        await pilot.resize_terminal(130, 40)
        await pilot.pause()
        assert tabs.query_one(Tabs).display and not section.display


async def test_only_administrators_see_the_settings(database: Database) -> None:
    app = FrontdeskApp(database, start="desk")
    async with app.run_test(size=(110, 45)) as pilot:
        app.staff = staff_member(database, "sam", StaffRole.SUPPORT, [])
        app.push_screen(StaffHomeScreen())
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not app.screen.query("#area-settings")
        assert not app.screen.query(Button).filter("#area-staff")


async def test_the_preview_draws_each_language(database: Database, tmp_path: Path) -> None:
    app = FrontdeskApp(database, start="desk")
    async with app.run_test(size=(110, 45)) as pilot:
        screen = await open_settings(app, pilot, database)
        screen.query_one("#text-en-add_child_button", TextArea).text = "Add my child"
        screen.query_one("#tabs").active = "tab-preview"  # type: ignore[attr-defined]
        await pilot.pause()
        preview = screen.query_one("#preview", WelcomePreview)
        assert preview.language == "en"
        assert text_of(app, "#preview-add_child_button") == "Add my child"
        app.save_screenshot("preview.svg", path=str(tmp_path))


async def test_a_saved_change_reaches_a_running_kiosk(database: Database) -> None:
    """The kiosk watches ``District.version``: what the settings screen saves shows there
    without a restart (the save below is the one the screen makes)."""
    app = kiosk(database)
    async with app.run_test(size=(110, 50)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, WelcomeScreen)
        with database.write() as uow:
            changed = uow.settings.model_copy(
                update={
                    "district_name": "Heron County Schools",
                    "texts": {"en": {TextKey.WELCOME_TITLE: "Welcome, families"}},
                }
            )
            save_settings(uow, Actor.system("test"), changed)
        app.screen.check_settings()
        await settle(pilot)
        shown = " ".join(str(w.render()) for w in app.screen.query(Static))
        assert "Welcome, families" in shown
        assert app.district.district_name == "Heron County Schools"


async def test_a_language_switch_keeps_the_draft_and_translates_the_messages(
    database: Database,
) -> None:
    app = FrontdeskApp(database, start="desk")
    async with app.run_test(size=(110, 45)) as pilot:
        screen = await open_settings(app, pilot, database)
        screen.query_one("#set-district_name", Input).value = "Heron County"
        screen.query_one("#set-kiosk_idle_seconds", Input).value = "5"
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        app.language = "es"
        await pilot.pause()
        await pilot.pause()
        screen = app.screen  # type: ignore[assignment]
        assert screen.query_one("#set-district_name", Input).value == "Heron County"
        assert screen.query_one("#set-kiosk_idle_seconds", Input).value == "5"
        error = screen.query_one("#field-kiosk_idle_seconds .field-error", Label)
        assert str(error.render()) == "Al menos 15."
        assert screen.query_one("#tabs").active == "tab-limits"  # type: ignore[attr-defined]


async def test_an_administrator_adds_a_language_and_moves_it_along_the_bar(
    database: Database,
) -> None:
    change_settings(database, languages=["en", "es"])
    # The newest shipped catalog, not offered yet (Vietnamese once it ships).
    newcomer = shipped_languages()[-1]
    others = [code for code in shipped_languages() if code not in ("en", "es", newcomer)]
    app = FrontdeskApp(database, start="desk")
    async with app.run_test(size=(110, 45)) as pilot:
        screen = await open_settings(app, pilot, database)
        screen.query_one("#tabs").active = "tab-languages"  # type: ignore[attr-defined]
        await pilot.pause()

        def row() -> list[str]:
            boxes = screen.query_one("#language-choices").query_children(Checkbox)
            return [(box.id or "").removeprefix("lang-") for box in boxes]

        def keys() -> set[str]:
            return {a.binding.description for a in app.screen.active_bindings.values()}

        # Every shipped catalog can be offered; those offered come first, in the bar's order.
        assert row() == ["en", "es", *others, newcomer]
        screen.query_one(f"#lang-{newcomer}", Checkbox).focus()
        await pilot.pause()
        assert "Move left" not in keys()  # not offered: no place in the bar yet
        await pilot.press("space")  # ticked: last in the bar
        await pilot.pause()
        assert row() == ["en", "es", newcomer, *others]
        assert "Move left" in keys()
        await pilot.press("shift+left", "shift+left", "shift+left")  # stops at the start
        await pilot.pause()
        assert row() == [newcomer, "en", "es", *others]
        await pilot.press("shift+right")
        await pilot.pause()
        assert row() == ["en", newcomer, "es", *others]
        assert app.focused is screen.query_one(f"#lang-{newcomer}")
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
    with database.read() as uow:
        assert load_settings(uow).languages == ["en", newcomer, "es"]
        change = uow.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "settings.change")
        ).all()[-1]
        assert change.details["changes"]["languages"] == {
            "old": ["en", "es"],
            "new": ["en", newcomer, "es"],
        }


def test_every_rate_limit_has_a_label_on_the_form() -> None:
    assert set(RATE_LIMIT_LABELS) == set(RateLimits.model_fields)


async def test_the_daily_link_limit_is_edited_checked_and_warned_about(database: Database) -> None:
    app = FrontdeskApp(database, start="desk")
    async with app.run_test(size=(110, 45)) as pilot:
        screen = await open_settings(app, pilot, database)
        screen.query_one("#tabs").active = "tab-limits"  # type: ignore[attr-defined]
        await pilot.pause()
        field = screen.query_one("#rl-link_failures_per_student_per_day", Input)
        assert field.value == "13"
        assert str(screen.query_one("#guess-warning", Label).render()) == ""
        field.value = "0"
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        error = "#field-rate_limits-link_failures_per_student_per_day .field-error"
        assert str(screen.query_one(error, Label).render()) == "At least 1."
        # Allowed, but the screen says how soon one child's SSN digits could be guessed.
        field.value = "50"
        await pilot.pause()
        assert "0.5 years" in str(screen.query_one("#guess-warning", Label).render())
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
    with database.read() as uow:
        assert load_settings(uow).rate_limits.link_failures_per_student_per_day == 50


async def test_questions_come_and_go_and_an_untouched_form_saves_nothing(
    database: Database,
) -> None:
    app = FrontdeskApp(database, start="desk")
    async with app.run_test(size=(110, 45)) as pilot:
        screen = await open_settings(app, pilot, database)
        await pilot.press("ctrl+s")  # as read: nothing to store, nothing audited
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert text_of(app, "#form-error") == ""
        screen.query_one("#tabs").active = "tab-account"  # type: ignore[attr-defined]
        await pilot.pause()
        for _ in range(2):
            screen.query_one("#xf-add").scroll_visible(animate=False, immediate=True)
            await pilot.pause()
            await pilot.click("#xf-add")
            await pilot.pause()
        screen.query_one("#xf-0-key", Input).value = "lunch"
        screen.query_one("#xf-1-key", Input).value = "Bus Route"
        screen.query_one("#xf-1-label-en", Input).value = "Bus route"
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        error = "#field-extra_fields-1-key .field-error"
        assert str(screen.query_one(error, Label).render()).startswith("Use lower-case letters")
        # The first goes: the second moves up with what was typed, and no stale message.
        screen.query_one("#xf-0-remove").scroll_visible(animate=False, immediate=True)
        await pilot.pause()
        await pilot.click("#xf-0-remove")
        await pilot.pause()
        assert not screen.query("#xf-1")
        assert screen.query_one("#xf-0-key", Input).value == "Bus Route"
        assert str(screen.query_one("#field-extra_fields-0-key .field-error", Label).render()) == ""
        screen.query_one("#xf-0-key", Input).value = "bus_route"
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
    with database.read() as uow:
        settings = load_settings(uow)
        changes = uow.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "settings.change")
        ).all()
    assert [(f.key, f.labels) for f in settings.extra_fields] == [
        ("bus_route", {"en": "Bus route"})
    ]
    assert [list(c.details["changes"]) for c in changes] == [["extra_fields"]]


async def test_the_letter_code_settings_are_edited_and_checked_beside_their_field(
    database: Database,
) -> None:
    app = FrontdeskApp(database, start="desk")
    async with app.run_test(size=(110, 45)) as pilot:
        screen = await open_settings(app, pilot, database)
        screen.query_one("#tabs").active = "tab-children"  # type: ignore[attr-defined]
        await pilot.pause()
        days = screen.query_one("#set-letter_code_days", Input)
        approve = screen.query_one("#set-letter_codes_approve_links", Checkbox)
        assert (days.value, approve.value) == ("30", False)
        error = "#field-letter_code_days .field-error"
        for typed, message in (
            ("0", "At least 1."),
            ("400", "At most 365."),
            ("a month", "Enter a whole number."),
        ):
            days.focus()
            await pilot.press("ctrl+a", "ctrl+k", *typed, "ctrl+s")
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert str(screen.query_one(error, Label).render()) == message
            assert days.value == typed  # nothing typed is lost
        days.focus()
        await pilot.press("ctrl+a", "ctrl+k", *"14", "shift+tab")  # up to the switch
        await pilot.pause()
        assert screen.focused is approve
        await pilot.press("space", "ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert str(screen.query_one(error, Label).render()) == ""
    with database.read() as uow:
        settings = load_settings(uow)
    assert (settings.letter_code_days, settings.letter_codes_approve_links) == (14, True)
