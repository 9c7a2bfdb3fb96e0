"""What a clerk's visit to one of the desk's kept screens holds (the queue, a request).

The queue and the request view are each built once and reused (``installed_screen``): building
them anew for every parent at the counter would cost the clerk a visible pause. So each keeps
what it read and showed in one object, ``visit``, replaced whole when the screen is emptied for
its next use (``prepare``: the next request, the queue opened again from the staff home) and
when the clerk signs out (``end_visit``). Forgetting is one assignment and cannot miss a field;
a service's answer for an earlier visit finds another object there and is dropped
(``BaseScreen.run_service``). ``tests/screens/test_desk_visits.py`` fails if either screen
keeps anything of a visit elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from frontdesk.services.desk_queue import QueuePage
from frontdesk.services.queue import QueueRow
from screens.desk.request_facts import LoadedRequest


@dataclass(eq=False)
class RequestVisit:
    """A clerk's visit to one request, from opening it until the next one is opened (or they
    sign out). What they type into the photo-ID check, and what a decision answered, stay in
    the widgets that show them (the form is read the moment a decision is asked for): a new
    visit empties them all (``RequestScreen.show_visit``)."""

    parent_id: int = 0
    focus_link_id: int | None = None
    """The child the queue's cursor was on: the children's cursor starts there."""
    ahead: LoadedRequest | None = None
    """The request read while the clerk looked at the queue, shown the moment it opens."""
    opening: bool = False
    """Not shown yet: showing it reads it (and records the disclosure)."""
    loaded: LoadedRequest | None = None
    """The request on screen, its photos drawn."""
    busy: bool = False
    """A decision is on its way: no second one meanwhile."""


@dataclass(eq=False)
class QueueVisit:
    """A clerk's visit to the queue, opened from the staff home, until it is opened again (or
    they sign out): what was read and shown. Coming back from a request keeps the visit (the
    order chosen, the count); only the filter is emptied, for the next parent at the counter."""

    page: QueuePage | None = None
    """The first page, read by the staff home ahead of the clerk opening the queue."""
    newest_first: bool = False
    rows: dict[str, QueueRow] = field(default_factory=dict)
    """The rows shown, by key."""
    schools: dict[int, str] | None = None
    """School names by id (read once a visit: another clerk may sit down next)."""
    waiting: int | None = None
    """How many links wait in all, as last read."""
    shown: tuple[str, bool] | None = None
    """The filter text and order the list on screen was read for (``None``: to be read)."""
    in_flight: bool = False
    """A read is on its way: the next waits for it, then reads the newest filter."""
    count_asked: bool = False
    """F5 asked for the number of links waiting while a read was on its way."""
    ahead: LoadedRequest | None = None
    """The request under the cursor, read before the clerk opens it."""
    reading_ahead: bool = False
