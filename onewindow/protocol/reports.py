"""Report shapes (统计报表): the figures of a period, as `GET /api/reports` answers them.

Every figure is defined in docs/reports.md. Counts are exact; durations are seconds with
one decimal (None when nothing was counted); rates are fractions 0–1 (None when the
denominator is 0). No shape here carries a name, a phone or an ID number: clerks appear
by staff id only, visitors by ticket number only.
"""

from __future__ import annotations

import datetime as dt

from onewindow.protocol.base import Wire


class Durations(Wire, frozen=True):
    """Mean and nearest-rank median / 90th percentile of `count` durations."""

    count: int
    mean_s: float | None
    median_s: float | None
    p90_s: float | None


class TicketFigures(Wire, frozen=True):
    issued: int
    visitors: int  # issued tickets that are not special (特呼号 is the same visitor again)
    called: int  # tickets with a wait: called at least once
    served: int  # final state done (outcome served or referred)
    no_show: int
    cancelled: int
    expired: int
    no_show_rate: float | None
    cancel_rate: float | None
    wait: Durations  # first call − issue
    service: Durations  # finish − (start, or the last call when "start" was skipped)


class CaseFigures(Wire, frozen=True):
    accepted: int
    immediate: int  # accepted immediate items (即办件)
    finished: int  # decided (approved or rejected) in the period
    finished_early: int  # decided before the deadline date
    overdue: int
    early_rate: float | None  # 提前办结率 = finished_early ÷ finished
    immediate_share: float | None  # immediate ÷ accepted


class RatingFigures(Wire, frozen=True):
    count: int
    score_5: int  # 非常满意
    score_4: int  # 满意
    score_3: int  # 基本满意
    score_2: int  # 不满意
    score_1: int  # 非常不满意
    satisfaction_rate: float | None  # (score 4 + score 5) ÷ count
    bad: int  # scores 1–2
    bad_followed_up: int


class GroupFigures(Wire, frozen=True):
    """The figures of the hall, or of one service, window, clerk, item or channel.

    A part that does not apply to the grouping is None: tickets have no item until a
    case is made, and cases and ratings are not counted per channel.
    """

    key: str  # "hall", service code, window number, staff id, item code, channel
    name_zh: str
    name_en: str
    tickets: TicketFigures | None
    cases: CaseFigures | None
    ratings: RatingFigures | None


class HourFigures(Wire, frozen=True):
    """Tickets issued in one clock hour of the hall's day, and their waits."""

    hour: int  # 0–23, hall time
    issued: int
    wait: Durations


class DayFigures(Wire, frozen=True):
    day: dt.date
    issued: int
    visitors: int
    served: int
    no_show: int
    wait_mean_s: float | None
    service_mean_s: float | None
    cases_accepted: int
    cases_finished: int
    ratings: int
    satisfaction_rate: float | None


class WaitBucket(Wire, frozen=True):
    """Waits of at least `from_min` and under `to_min` minutes (no upper end when None)."""

    from_min: int
    to_min: int | None
    count: int


class BadRating(Wire, frozen=True):
    """A rating of 1–2 to follow up (the visitor's comment stays out of reports)."""

    id: int
    business_day: dt.date
    ticket_number: str
    service: str
    window: int | None
    staff_id: str | None
    item: str | None
    score: int
    at: dt.datetime
    followed_up_at: dt.datetime | None


class Report(Wire, frozen=True):
    hall: str
    first_day: dt.date
    last_day: dt.date
    live: bool  # today's figures, still moving
    as_of: dt.datetime  # open cases are judged overdue as of this time
    hall_figures: GroupFigures
    services: list[GroupFigures]
    windows: list[GroupFigures]
    clerks: list[GroupFigures]
    items: list[GroupFigures]
    channels: list[GroupFigures]
    hours: list[HourFigures]
    days: list[DayFigures]
    wait_distribution: list[WaitBucket]
    bad_ratings: list[BadRating]
