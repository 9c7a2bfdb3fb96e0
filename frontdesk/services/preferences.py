"""A parent's notification preferences (R14): email notifications on or off, and where to."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict

from frontdesk import text
from frontdesk.db.uow import UnitOfWork
from frontdesk.errors import FieldErrors
from frontdesk.i18n import Msg
from frontdesk.services.audit import Actor, AuditAction, record
from frontdesk.services.registration import is_email, normalize_email
from frontdesk.services.sessions import ParentSession, current_parent

if TYPE_CHECKING:
    from frontdesk.db.engine import Database


class NotificationPreferences(BaseModel):
    """What the Notifications tab shows and submits."""

    model_config = ConfigDict(str_strip_whitespace=True)

    email_notifications: bool = False
    notification_email: str = ""
    """Where notifications go; the account email when left empty."""


def notification_preferences(uow: UnitOfWork, session: ParentSession) -> NotificationPreferences:
    """The parent's current choice (the address defaults to the account email)."""
    parent = current_parent(uow, session)
    return NotificationPreferences(
        email_notifications=parent.email_notifications,
        notification_email=parent.notification_email or parent.email,
    )


def open_preferences(database: Database, session: ParentSession) -> NotificationPreferences:
    """The parent's current choice (:func:`notification_preferences`), in its own unit of
    work."""
    with database.read() as uow:
        return notification_preferences(uow, session)


def save_notification_preferences(
    uow: UnitOfWork, session: ParentSession, prefs: NotificationPreferences
) -> NotificationPreferences:
    """Store the parent's choice; the address must be an email when notifications are on."""
    parent = current_parent(uow, session)
    address = normalize_email(prefs.notification_email) or parent.email
    if (problem := text.field_problem("notification_email", address)) is not None:
        raise FieldErrors({"notification_email": problem})
    if not is_email(address):
        raise FieldErrors(
            {"notification_email": Msg("Enter an email address like name@example.com.")}
        )
    parent.email_notifications = prefs.email_notifications
    parent.notification_email = None if address == parent.email else address
    record(
        uow,
        Actor.parent(parent),
        AuditAction.PARENT_PREFERENCES,
        ("parent", parent.id),
        email_notifications=prefs.email_notifications,
        own_address=address == parent.email,
    )
    return NotificationPreferences(
        email_notifications=parent.email_notifications, notification_email=address
    )


def save_preferences(
    database: Database, session: ParentSession, prefs: NotificationPreferences
) -> NotificationPreferences:
    """Store the parent's choice (:func:`save_notification_preferences`) in one unit of work."""
    with database.write() as uow:
        return save_notification_preferences(uow, session, prefs)
