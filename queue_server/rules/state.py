"""What the queue rules act on: states and kinds, refusals, the hall's shape, tickets, windows.

Standard library only, like the rest of the rules core.
"""

from __future__ import annotations

import base64
import copy
import datetime as dt
import secrets
import zoneinfo
from dataclasses import dataclass
from enum import IntEnum, StrEnum


class TicketState(StrEnum):
    WAITING = "waiting"
    CALLED = "called"
    SERVING = "serving"
    DONE = "done"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


OPEN_STATES = frozenset(
    {TicketState.WAITING, TicketState.CALLED, TicketState.SERVING, TicketState.NO_SHOW}
)
IN_HAND = frozenset({TicketState.CALLED, TicketState.SERVING})


class TicketKind(StrEnum):
    NORMAL = "normal"
    PRIORITY = "priority"
    SPECIAL = "special"


class Rank(IntEnum):
    """Call order between kinds: a lower rank is called first."""

    SPECIAL = 0
    PRIORITY = 1
    NORMAL = 2


RANK = {TicketKind.SPECIAL: Rank.SPECIAL, TicketKind.PRIORITY: Rank.PRIORITY}
RANKS = tuple(Rank)  # iterating a tuple is much cheaper than iterating the Enum


class WindowState(StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    PAUSED = "paused"


# --- errors, split by whose fault they are -------------------------------------------


class QueueError(Exception):
    """Base of every refusal; `code` is stable, `detail` names the offending values."""

    code = "queue_error"

    def __init__(self, code: str, **detail: object) -> None:
        super().__init__(code, detail)
        self.code = code
        self.detail = detail


class BadCommand(QueueError):
    """The request names something that does not exist or is not allowed (422)."""


class NotFound(QueueError):
    """No such ticket or window (404)."""


class IllegalMove(QueueError):
    """The command is valid but the current state forbids it (409)."""


class Forbidden(QueueError):
    """The one asking may not ask for this, whatever the state (403)."""


class NotSignedIn(QueueError):
    """The one asking is not who they say: a wrong id or PIN (401)."""


class Limited(QueueError):
    """Too many tries: wait `minutes` before the next one (429)."""


class Unavailable(QueueError):
    """Something beyond the hall that the answer needs cannot be reached now (503)."""


# --- the hall's shape, from the config ------------------------------------------------


@dataclass(frozen=True)
class ServiceRule:
    code: str
    prefix: str
    consult_first: bool = False
    default_service_s: float = 360.0


@dataclass(frozen=True)
class WindowRule:
    number: int
    role: str
    services: tuple[str, ...]
    order: str = "fifo"


@dataclass(frozen=True)
class HallRules:
    services: tuple[ServiceRule, ...]
    windows: tuple[WindowRule, ...]
    timezone: str = "Asia/Shanghai"
    day_starts_at: dt.time = dt.time(0, 0)
    recalls_before_no_show: int = 2
    no_show_grace: dt.timedelta = dt.timedelta(minutes=30)
    special_prefix: str = "T"
    recent_samples: int = 20
    allow_priority_at_kiosk: bool = True

    def business_day(self, now: dt.datetime) -> dt.date:
        local = now.astimezone(zoneinfo.ZoneInfo(self.timezone))
        start = dt.timedelta(hours=self.day_starts_at.hour, minutes=self.day_starts_at.minute)
        return (local - start).date()


# --- state -----------------------------------------------------------------------------


@dataclass
class Ticket:
    id: str
    number: str
    service: str
    kind: TicketKind
    business_day: dt.date
    place: int  # position in line, kept across transfers and reinstatement
    issued_at: dt.datetime
    channel: str = "kiosk"
    state: TicketState = TicketState.WAITING
    target_window: int | None = None
    window: int | None = None
    call_count: int = 0
    called_at: dt.datetime | None = None
    started_at: dt.datetime | None = None
    finished_at: dt.datetime | None = None
    no_show_at: dt.datetime | None = None
    closed_at: dt.datetime | None = None
    from_ticket: str | None = None
    case: str | None = None
    outcome: str | None = None
    idempotency_key: str | None = None
    transfers: int = 0
    staff_id: str | None = None  # the clerk of the window that called it
    first_called_at: dt.datetime | None = None  # the end of the visitor's wait


@dataclass
class Window:
    number: int
    role: str
    services: tuple[str, ...]
    order: str = "fifo"
    state: WindowState = WindowState.CLOSED
    staff_id: str | None = None
    pause_reason: str | None = None
    current: str | None = None  # id of the ticket in hand
    changed_at: dt.datetime | None = None


_random_pool = bytearray()


def new_ticket_id() -> str:
    """An opaque id (96 random bits) that cannot be guessed from any other ticket's."""
    # One system call for many ids: issuing a ticket is the hot path.
    if len(_random_pool) < 12:
        _random_pool.extend(secrets.token_bytes(12 * 512))
    chunk = bytes(_random_pool[:12])
    del _random_pool[:12]
    return base64.urlsafe_b64encode(chunk).decode()


def copy_ticket(t: Ticket) -> Ticket:
    return copy.copy(t)


def copy_window(w: Window) -> Window:
    return copy.copy(w)


__all__ = [
    "IN_HAND",
    "OPEN_STATES",
    "RANK",
    "RANKS",
    "BadCommand",
    "Forbidden",
    "HallRules",
    "IllegalMove",
    "Limited",
    "NotFound",
    "NotSignedIn",
    "QueueError",
    "Rank",
    "ServiceRule",
    "Ticket",
    "TicketKind",
    "TicketState",
    "Unavailable",
    "Window",
    "WindowRule",
    "WindowState",
    "copy_ticket",
    "copy_window",
    "new_ticket_id",
]
