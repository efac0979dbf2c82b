"""A report's period: a run of business days, and where it starts and ends in time.

A business day starts at `[hall] day_starts_at` in the hall's time zone, so the period
`[first, last]` is the half-open span of unix seconds `[start_ts, end_ts)` between the
start of `first` and the start of the day after `last`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MAX_DAYS = 3700  # ten years: a longer range is a typing mistake


class PeriodError(ValueError):
    """A period the user typed cannot be read; `code` names the message in reports.toml."""

    def __init__(self, code: str, **detail: object) -> None:
        super().__init__(code, detail)
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class Period:
    first: dt.date
    last: dt.date

    @classmethod
    def day(cls, day: dt.date) -> Period:
        return cls(day, day)

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        first = dt.date(year, month, 1)
        following = dt.date(year + month // 12, month % 12 + 1, 1)
        return cls(first, following - dt.timedelta(days=1))

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def dates(self) -> list[dt.date]:
        return [self.first + dt.timedelta(days=i) for i in range(self.days)]

    def label(self) -> str:
        if self.first == self.last:
            return self.first.isoformat()
        if self == Period.month(self.first.year, self.first.month):
            return f"{self.first:%Y-%m}"
        return f"{self.first.isoformat()} – {self.last.isoformat()}"


def day_start(day: dt.date, tz: dt.tzinfo, starts_at: dt.time) -> float:
    """Unix seconds at which the business day `day` begins."""
    return dt.datetime.combine(day, starts_at, tzinfo=tz).timestamp()


def bounds(period: Period, tz: dt.tzinfo, starts_at: dt.time) -> tuple[float, float]:
    return day_start(period.first, tz, starts_at), day_start(
        period.last + dt.timedelta(days=1), tz, starts_at
    )


def _date(text: str, what: str) -> dt.date:
    if not _DAY.match(text):
        raise PeriodError("bad_day", value=text[:40], what=what)
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise PeriodError("bad_day", value=text[:40], what=what) from None


def parse_period(
    day: str | None = None,
    month: str | None = None,
    first: str | None = None,
    last: str | None = None,
) -> Period | None:
    """The period the user asked for; None for "no period given"."""
    given = [n for n, v in (("day", day), ("month", month), ("from", first), ("to", last)) if v]
    if (day or month) and len(given) > 1:
        raise PeriodError("period_conflict")
    if day:
        return Period.day(_date(day, "day"))
    if month:
        found = _MONTH.match(month)
        if not found or not 1 <= int(found.group(2)) <= 12 or int(found.group(1)) < 1:
            raise PeriodError("bad_month", value=month[:40])
        return Period.month(int(found.group(1)), int(found.group(2)))
    if first or last:
        if not (first and last):
            raise PeriodError("range_needs_both")
        period = Period(_date(first, "from"), _date(last, "to"))
        if period.last < period.first:
            raise PeriodError("range_backwards", first=first, last=last)
        if period.days > MAX_DAYS:
            raise PeriodError("range_too_long", days=MAX_DAYS)
        return period
    return None


def local_offset_sql(column: str, start_ts: float, end_ts: float, tz: dt.tzinfo) -> str:
    """SQL for `column` (unix seconds) shifted to the hall's wall clock within the period.

    SQLite knows only UTC and the machine's zone, so the offsets the hall's zone uses in
    the period are written into the statement; checked hour by hour, as zones change
    their offset on the hour.
    """
    changes: list[tuple[float, int]] = []
    ts = start_ts
    while ts <= end_ts + 3600:
        moment = dt.datetime.fromtimestamp(ts, tz)
        offset = moment.utcoffset()
        seconds = int(offset.total_seconds()) if offset is not None else 0
        if not changes or changes[-1][1] != seconds:
            changes.append((ts, seconds))
        ts += 3600
    if len(changes) == 1:
        return f"({column} + {changes[0][1]})"
    cases = " ".join(
        f"WHEN {column} < {at!r} THEN {off}"
        for (at, _), (_, off) in zip(changes[1:], changes, strict=False)
    )
    return f"({column} + CASE {cases} ELSE {changes[-1][1]} END)"
