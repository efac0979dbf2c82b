"""District shapes: a hall's uplink batches, the centre's acks and its live figures.

A batch carries the hall's own event shapes (`events.Event`) and nothing else: the
centre decodes each one with those Structs and keeps only what they define, so a field
that is not part of an event (a name, an ID number) can never reach its store.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from msgspec import Meta

from onewindow.protocol.base import WindowStateName, Wire
from onewindow.protocol.events import Event
from onewindow.protocol.intake import CaseStateName
from onewindow.protocol.reports import DayFigures, GroupFigures, HourFigures, WaitBucket

MAX_BATCH = 5000
HallLevelName = Literal["district", "street"]

# --- the uplink ----------------------------------------------------------------------


class EventBatch(Wire, frozen=True):
    """Events of one hall in seq order; `head` is the hall's last seq when it was sent."""

    events: Annotated[list[Event], Meta(max_length=MAX_BATCH)]
    head: Annotated[int, Meta(ge=0)] = 0


class AckView(Wire, frozen=True):
    """The highest seq up to which the centre holds every event of the hall."""

    acked: int


class UplinkStatus(Wire, frozen=True):
    """The hall's side of its uplink (`GET /api/uplink` on the hall)."""

    configured: bool
    url: str | None = None
    hall: str | None = None
    acked_seq: int = 0
    last_seq: int = 0
    backlog: int = 0
    last_error: str | None = None
    last_success_at: dt.datetime | None = None
    last_attempt_at: dt.datetime | None = None


# --- what the centre shows -----------------------------------------------------------


class ServiceWaiting(Wire, frozen=True):
    service: str
    waiting: int
    longest_wait_s: int


class WindowFigure(Wire, frozen=True):
    number: int
    state: WindowStateName
    serving: str | None = None  # the ticket number at the window, if any
    serving_service: str | None = None
    ticket_state: str | None = None
    changed_at: dt.datetime | None = None


class HallFigures(Wire, frozen=True):
    code: str
    name_zh: str
    name_en: str
    level: HallLevelName
    online: bool
    open_windows: int
    paused_windows: int
    serving: int
    waiting_total: int
    longest_wait_s: int
    waiting: list[ServiceWaiting]
    tickets_today: int
    cases_today: int
    acked_seq: int
    head_seq: int
    lag_events: int
    last_event_at: dt.datetime | None = None
    last_contact_at: dt.datetime | None = None


class HallList(Wire, frozen=True):
    at: dt.datetime
    halls: list[HallFigures]


class HallDetail(Wire, frozen=True):
    at: dt.datetime
    hall: HallFigures
    windows: list[WindowFigure]


# --- district reports ----------------------------------------------------------------


class HallReportRow(Wire, frozen=True):
    """One hall's figures of the period: the same numbers as that hall's own report.

    `as_of` is the time of the hall's last event the centre holds, by which its open
    cases are judged; `acked_seq` says how much of its stream the figures include.
    """

    code: str
    level: HallLevelName
    acked_seq: int
    as_of: dt.datetime | None
    figures: GroupFigures


class DistrictReport(Wire, frozen=True):
    """The district's figures of a period: a row per hall, and the district's row worked
    out from every hall's tickets, cases and ratings together (not from the halls' rows)."""

    district: str
    first_day: dt.date
    last_day: dt.date
    as_of: dt.datetime
    halls: list[HallReportRow]
    district_figures: GroupFigures
    channels: list[GroupFigures]  # the district's tickets per channel (kiosk, window...)
    hours: list[HourFigures]
    days: list[DayFigures]
    wait_distribution: list[WaitBucket]


# --- the district-wide progress query --------------------------------------------------

CaseProof = Annotated[str, Meta(pattern="^[0-9a-f]{64}$")]


class DistrictCaseView(Wire, frozen=True):
    """A case of any hall as the centre knows it from the events: no personal data.

    `days_left` counts calendar days to the deadline (the centre keeps no holidays;
    the asking hall turns the deadline into working days with its own calendar).
    """

    case_no: str
    hall: str
    hall_name_zh: str
    hall_name_en: str
    item: str
    state: CaseStateName
    accepted_at: dt.datetime | None
    deadline: dt.date | None
    finished_at: dt.datetime | None
    days_left: int | None
    missing: list[str]
