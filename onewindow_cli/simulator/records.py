"""The simulator's own records of what it did: tickets, cases and ratings.

Every time here is the instant the simulator set the hall's clock to before the request
(epoch seconds), so the truth does not depend on what the server stored. Server-made
identifiers that depend on the order of simultaneous requests (ticket ids, rating ids)
are kept in memory only; the truth file names tickets by number and cases by number.
"""

from __future__ import annotations

import msgspec


class TicketRecord(msgspec.Struct, kw_only=True):
    number: str
    day: str  # business day, ISO date
    service: str  # after any transfer
    first_service: str
    kind: str
    channel: str
    visitor: str
    visitor_item: str | None  # what the visitor came for (the server learns it from a case)
    issued_at: int
    state: str = "waiting"
    outcome: str | None = None
    window: int | None = None
    target_window: int | None = None
    staff_id: str | None = None
    call_count: int = 0
    first_called_at: int | None = None
    called_at: int | None = None  # the last call (a recall does not move it)
    started_at: int | None = None
    finished_at: int | None = None
    no_show_at: int | None = None
    closed_at: int | None = None
    transfers: int = 0
    reinstated: int = 0  # times put back in line after a missed call
    from_ticket: str | None = None
    case: str | None = None  # the case number it carries (special tickets)
    id: str = msgspec.field(default="", name="_id")  # the server's opaque id


class CaseRecord(msgspec.Struct, kw_only=True):
    key: str  # the simulator's name for the case (visitor and stage)
    item: str
    service: str
    immediate: bool
    created_at: int
    state: str = "prechecked"
    case_no: str | None = None
    ticket: str | None = None  # number of the ticket it is linked to
    ticket_day: str | None = None
    window: int | None = None
    staff_id: str | None = None
    accepted_at: int | None = None
    deadline: str | None = None
    promised_days: int = 0
    decided_at: int | None = None
    issued_at: int | None = None
    returned: int = 0  # one-time notices given
    clock_restarts: int = 0
    id: str = msgspec.field(default="", name="_id")
    ticket_id: str = msgspec.field(default="", name="_ticket_id")


class RatingRecord(msgspec.Struct, kw_only=True):
    ticket: str
    day: str
    score: int
    window: int | None
    staff_id: str | None
    service: str
    item: str | None
    channel: str
    at: int
    followed_up_at: int | None = None
    id: int = msgspec.field(default=0, name="_id")
