"""What the live monitor warns a district supervisor of (pure: the caller passes `now`).

- long_wait: someone in the hall has waited longer than `long_wait_min`;
- few_windows: visitors wait in an online hall with fewer than `min_open_windows` open
  (a hall with nobody waiting, at night say, is not warned);
- offline: the hall has not been heard from within `offline_after_s` (or never);
- lag: the hall holds `lag_warn_events` or more events the centre has not got;
- cases_due / cases_overdue: accepted cases within `deadline_warn_days` working days of
  their deadline, or past it.

The centre does not know each hall's holidays, so it counts working days as Monday to
Friday; a case the hall itself has warned or flagged overdue (it knows its holidays)
counts as due or overdue whatever the centre's count says.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from central.config import DistrictConfig, MonitorConfig
from onewindow.protocol import monitor as pm
from onewindow.protocol.district import HallFigures
from onewindow.workdays import WorkCalendar

WEEKDAYS = WorkCalendar()
# (hall, case_no, item, service, deadline, alert): an accepted case's row at the centre.
CaseRow = tuple[str, str | None, str, str, dt.date, str | None]


def limits(config: DistrictConfig) -> pm.MonitorLimits:
    m = config.monitor
    return pm.MonitorLimits(
        long_wait_min=m.long_wait_min,
        min_open_windows=m.min_open_windows,
        deadline_warn_days=m.deadline_warn_days,
        lag_warn_events=m.lag_warn_events,
        offline_after_s=config.centre.offline_after_s,
    )


def hall_warnings(hall: HallFigures, m: MonitorConfig, now: dt.datetime) -> list[pm.MonitorWarning]:
    found = []

    def warn(kind: pm.WarningKind, value: float, limit: float) -> None:
        found.append(
            pm.MonitorWarning(kind=kind, hall=hall.code, value=int(value), limit=int(limit))
        )

    if not hall.online:
        silent = (
            -1 if hall.last_contact_at is None else (now - hall.last_contact_at).total_seconds()
        )
        warn("offline", silent, 0)
    if hall.longest_wait_s > m.long_wait_min * 60:
        warn("long_wait", hall.longest_wait_s // 60, m.long_wait_min)
    if hall.online and hall.waiting_total > 0 and hall.open_windows < m.min_open_windows:
        warn("few_windows", hall.open_windows, m.min_open_windows)
    if hall.lag_events >= m.lag_warn_events:
        warn("lag", hall.lag_events, m.lag_warn_events)
    return found


def case_warnings(counts: dict[str, tuple[int, int]], m: MonitorConfig) -> list[pm.MonitorWarning]:
    """`counts`: hall → (due, overdue)."""
    found = []
    for hall, (due, overdue) in counts.items():
        if overdue:
            found.append(pm.MonitorWarning(kind="cases_overdue", hall=hall, value=overdue, limit=0))
        if due:
            found.append(
                pm.MonitorWarning(
                    kind="cases_due", hall=hall, value=due, limit=m.deadline_warn_days
                )
            )
    return found


def warn_horizon(today: dt.date, m: MonitorConfig) -> dt.date:
    """The last deadline that is within `deadline_warn_days` working days of today."""
    return WEEKDAYS.add_workdays(today, m.deadline_warn_days)


def is_overdue(deadline: dt.date, alert: str | None, today: dt.date) -> bool:
    return today > deadline or alert == "overdue"


def due_case(row: CaseRow, today: dt.date) -> pm.DueCase:
    hall, case_no, item, service, deadline, alert = row
    return pm.DueCase(
        hall=hall,
        case_no=case_no,
        item=item,
        service=service,
        deadline=deadline,
        days_left=WEEKDAYS.remaining(today, deadline),
        overdue=is_overdue(deadline, alert, today),
        hall_alert=alert,
    )


def case_counts(rows: Iterable[CaseRow], today: dt.date) -> dict[str, tuple[int, int]]:
    """Hall → (due, overdue) over rows of cases already known to be near or past."""
    counts: dict[str, list[int]] = {}
    for hall, _, _, _, deadline, alert in rows:
        pair = counts.setdefault(hall, [0, 0])
        pair[1 if is_overdue(deadline, alert, today) else 0] += 1
    return {hall: (due, overdue) for hall, (due, overdue) in counts.items()}


def ordered(warnings: Iterable[pm.MonitorWarning], halls: list[str]) -> list[pm.MonitorWarning]:
    """Most pressing first: offline and overdue, then the rest; halls in district order."""
    rank = {
        k: i
        for i, k in enumerate(
            ("offline", "cases_overdue", "long_wait", "few_windows", "lag", "cases_due")
        )
    }
    place = {code: i for i, code in enumerate(halls)}
    return sorted(warnings, key=lambda w: (rank[w.kind], place.get(w.hall, len(place))))
