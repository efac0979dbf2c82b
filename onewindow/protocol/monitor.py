"""The district live monitor's messages (`/monitor/ws` and `GET /api/monitor`).

A monitor gets one `MonitorSnapshot` when it connects, then a `MonitorUpdate` whenever
something it shows has changed: only the halls whose tile changed, and the warnings and
due cases only when those lists changed. Everything here is figures, ticket numbers,
window numbers, item codes and case numbers: never a name, ID number or phone.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from onewindow.protocol.base import Wire
from onewindow.protocol.district import HallFigures, WindowFigure

WarningKind = Literal["long_wait", "few_windows", "offline", "lag", "cases_due", "cases_overdue"]


class HallTile(Wire, frozen=True):
    """What one hall's tile and its drill-down show."""

    hall: HallFigures
    windows: list[WindowFigure]


class MonitorWarning(Wire, frozen=True):
    """Something a district supervisor acts on; `value` against the configured `limit`.

    long_wait: minutes of the longest wait; few_windows: open windows while visitors wait;
    offline: seconds since the hall's last contact (-1: never heard from); lag: events the
    centre has not got yet; cases_due / cases_overdue: how many of the hall's cases.
    """

    kind: WarningKind
    hall: str
    value: int
    limit: int


class DueCase(Wire, frozen=True):
    """An accepted case near or past its deadline; `days_left` in working days."""

    hall: str
    case_no: str | None
    item: str
    service: str
    deadline: dt.date
    days_left: int
    overdue: bool
    hall_alert: str | None = None  # the hall's own warning or overdue flag, if it raised one


class MonitorLimits(Wire, frozen=True):
    long_wait_min: float
    min_open_windows: int
    deadline_warn_days: int
    lag_warn_events: int
    offline_after_s: float


class MonitorSnapshot(Wire, frozen=True, tag="monitor.snapshot", tag_field="type"):
    at: dt.datetime
    centre: str
    limits: MonitorLimits
    halls: list[HallTile]
    warnings: list[MonitorWarning]
    cases: list[DueCase]
    cases_total: int  # every due case of the district; `cases` lists the most urgent


class MonitorUpdate(Wire, frozen=True, tag="monitor.update", tag_field="type"):
    at: dt.datetime
    halls: list[HallTile]  # only the halls whose tile changed
    warnings: list[MonitorWarning] | None = None  # None: unchanged since the last message
    cases: list[DueCase] | None = None
    cases_total: int | None = None


MonitorMessage = MonitorSnapshot | MonitorUpdate
