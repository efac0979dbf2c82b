"""The figures of docs/reports.md, computed from the simulator's own records.

This is the ground truth the reports are checked against, so it follows the written
definitions literally and shares no code with the reports, only the shapes of the
figures (`onewindow.protocol.reports`):
- a ticket belongs to the business day it was issued on, a case to the day it was
  accepted (accepted) or decided (finished), a rating to its ticket's day;
- wait = first call − issue; service time = finish − (start, or the last call when
  "start" was skipped), for tickets done; nearest-rank median and 90th percentile;
- a ticket's window and clerk are those that finished it (or called it last); a ticket
  that no window holds (never called, or sent on and not called again) has neither;
- early: decided on a date before the deadline date; overdue: decided after it, or
  still open past it at the end of the period.
Tickets are not counted per item (the server learns a visitor's item only from a
case), and cases and ratings not per channel.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from typing import Any

import msgspec

from onewindow import protocol as p
from onewindow.rating_scale import is_bad, is_good
from onewindow_cli.simulator.records import CaseRecord, RatingRecord, TicketRecord

# Which parts each grouping has: (tickets, cases, ratings).
PARTS = {
    "services": (True, True, True),
    "windows": (True, True, True),
    "clerks": (True, True, True),
    "items": (False, True, True),
    "channels": (True, False, False),
}


class Group(msgspec.Struct, frozen=True):
    key: str
    tickets: p.TicketFigures | None
    cases: p.CaseFigures | None
    ratings: p.RatingFigures | None


class BadRating(msgspec.Struct, frozen=True):
    day: str
    ticket: str
    score: int
    followed_up: bool


class Figures(msgspec.Struct, frozen=True):
    first_day: dt.date
    last_day: dt.date
    hall: Group
    services: list[Group]
    windows: list[Group]
    clerks: list[Group]
    items: list[Group]
    channels: list[Group]
    hours: list[p.HourFigures]
    days: list[p.DayFigures]
    bad_ratings: list[BadRating]


def durations(seconds: list[int]) -> p.Durations:
    """Mean, and the ⌈q·n⌉-th smallest value for q = 0.5 and 0.9, in seconds (1 decimal)."""
    if not seconds:
        return p.Durations(count=0, mean_s=None, median_s=None, p90_s=None)
    ordered = sorted(seconds)
    n = len(ordered)

    def rank(num: int, den: int) -> float:
        return float(ordered[max(1, -(-num * n // den)) - 1])

    return p.Durations(
        count=n, mean_s=round(sum(ordered) / n, 1), median_s=rank(1, 2), p90_s=rank(9, 10)
    )


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _service_s(t: TicketRecord) -> int | None:
    begun = t.started_at or t.called_at
    if t.state != "done" or t.finished_at is None or begun is None:
        return None
    return t.finished_at - begun


def ticket_figures(tickets: list[TicketRecord]) -> p.TicketFigures:
    issued = len(tickets)
    states = Counter(t.state for t in tickets)
    waits = [t.first_called_at - t.issued_at for t in tickets if t.first_called_at is not None]
    service = [s for t in tickets if (s := _service_s(t)) is not None]
    return p.TicketFigures(
        issued=issued,
        visitors=sum(1 for t in tickets if t.kind != "special"),
        called=len(waits),
        served=states["done"],
        no_show=states["no_show"],
        cancelled=states["cancelled"],
        expired=states["expired"],
        no_show_rate=_rate(states["no_show"], issued),
        cancel_rate=_rate(states["cancelled"], issued),
        wait=durations(waits),
        service=durations(service),
    )


class CaseJudge:
    """Which cases count in a period, and how (the period is `first`..`last`)."""

    def __init__(self, first: dt.date, last: dt.date, day_of: Callable[[int], dt.date]) -> None:
        self.first, self.last, self.day_of = first, last, day_of

    def within(self, at: int | None) -> bool:
        return at is not None and self.first <= self.day_of(at) <= self.last

    def early(self, c: CaseRecord) -> bool:
        assert c.decided_at is not None and c.deadline is not None
        return self.day_of(c.decided_at) < dt.date.fromisoformat(c.deadline)

    def overdue(self, c: CaseRecord) -> bool:
        if c.deadline is None or c.accepted_at is None or self.day_of(c.accepted_at) > self.last:
            return False
        deadline = dt.date.fromisoformat(c.deadline)
        if self.within(c.decided_at):
            assert c.decided_at is not None
            return self.day_of(c.decided_at) > deadline
        still_open = c.decided_at is None or self.day_of(c.decided_at) > self.last
        return still_open and deadline < self.last

    def figures(self, cases: list[CaseRecord]) -> p.CaseFigures:
        accepted = [c for c in cases if self.within(c.accepted_at)]
        finished = [c for c in cases if self.within(c.decided_at)]
        early = sum(1 for c in finished if self.early(c))
        immediate = sum(1 for c in accepted if c.immediate)
        return p.CaseFigures(
            accepted=len(accepted),
            immediate=immediate,
            finished=len(finished),
            finished_early=early,
            overdue=sum(1 for c in cases if self.overdue(c)),
            early_rate=_rate(early, len(finished)),
            immediate_share=_rate(immediate, len(accepted)),
        )


def rating_figures(ratings: list[RatingRecord]) -> p.RatingFigures:
    s = Counter(r.score for r in ratings)
    bad = [r for r in ratings if is_bad(r.score)]
    return p.RatingFigures(
        count=len(ratings),
        score_5=s[5],
        score_4=s[4],
        score_3=s[3],
        score_2=s[2],
        score_1=s[1],
        satisfaction_rate=_rate(s[4] + s[5], len(ratings)),
        bad=len(bad),
        bad_followed_up=sum(1 for r in bad if r.followed_up_at is not None),
    )


def _by(rows: Iterable[Any], key: Callable[[Any], object]) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = defaultdict(list)
    for row in rows:
        k = key(row)
        if k is not None:
            out[str(k)].append(row)
    return out


def _ticket_key(grouping: str) -> Callable[[TicketRecord], object]:
    return {
        "services": lambda t: t.service,
        "windows": lambda t: t.window,
        "clerks": lambda t: t.staff_id if t.window is not None else None,
        "channels": lambda t: t.channel,
    }[grouping]


def _other_key(grouping: str) -> Callable[[Any], object]:
    return {
        "services": lambda x: x.service,
        "windows": lambda x: x.window,
        "clerks": lambda x: x.staff_id,
        "items": lambda x: x.item,
    }[grouping]


def _sort_key(grouping: str) -> Callable[[Group], tuple[int, str]]:
    if grouping == "windows":
        return lambda g: (int(g.key), g.key)
    return lambda g: (0, g.key)


def compute(
    tickets: list[TicketRecord],
    cases: list[CaseRecord],
    ratings: list[RatingRecord],
    first: dt.date,
    last: dt.date,
    tz: dt.tzinfo,
    day_of: Callable[[int], dt.date],
) -> Figures:
    """The figures of the business days `first`..`last`."""
    days = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    names = {d.isoformat() for d in days}
    ts = [t for t in tickets if t.day in names]
    rs = [r for r in ratings if r.day in names]
    judge = CaseJudge(first, last, day_of)

    def grouped(grouping: str) -> list[Group]:
        has_t, has_c, has_r = PARTS[grouping]
        t_rows = _by(ts, _ticket_key(grouping)) if has_t else {}
        c_rows = _by(cases, _other_key(grouping)) if has_c else {}
        r_rows = _by(rs, _other_key(grouping)) if has_r else {}
        out = []
        for key in set(t_rows) | set(c_rows) | set(r_rows):
            tf = ticket_figures(t_rows.get(key, [])) if has_t else None
            cf = judge.figures(c_rows.get(key, [])) if has_c else None
            rf = rating_figures(r_rows.get(key, [])) if has_r else None
            counted = (tf and tf.issued) or (cf and (cf.accepted or cf.finished or cf.overdue))
            if counted or (rf and rf.count):
                out.append(Group(key, tf, cf, rf))
        return sorted(out, key=_sort_key(grouping))

    by_hour = _by(ts, lambda t: dt.datetime.fromtimestamp(t.issued_at, tz).hour)
    hours = []
    for h in range(24):
        hour = by_hour.get(str(h), [])
        waits = [t.first_called_at - t.issued_at for t in hour if t.first_called_at is not None]
        hours.append(p.HourFigures(hour=h, issued=len(hour), wait=durations(waits)))
    bad = sorted((r for r in rs if is_bad(r.score)), key=lambda r: (r.day, r.ticket))
    return Figures(
        first_day=first,
        last_day=last,
        hall=Group("hall", ticket_figures(ts), judge.figures(cases), rating_figures(rs)),
        services=grouped("services"),
        windows=grouped("windows"),
        clerks=grouped("clerks"),
        items=grouped("items"),
        channels=grouped("channels"),
        hours=hours,
        days=[_day(d, ts, cases, rs, day_of) for d in days],
        bad_ratings=[
            BadRating(r.day, r.ticket, r.score, r.followed_up_at is not None) for r in bad
        ],
    )


def _day(
    day: dt.date,
    tickets: list[TicketRecord],
    cases: list[CaseRecord],
    ratings: list[RatingRecord],
    day_of: Callable[[int], dt.date],
) -> p.DayFigures:
    t = ticket_figures([x for x in tickets if x.day == day.isoformat()])
    rs = [r for r in ratings if r.day == day.isoformat()]
    good = sum(1 for r in rs if is_good(r.score))
    return p.DayFigures(
        day=day,
        issued=t.issued,
        visitors=t.visitors,
        served=t.served,
        no_show=t.no_show,
        wait_mean_s=t.wait.mean_s,
        service_mean_s=t.service.mean_s,
        cases_accepted=sum(1 for c in cases if c.accepted_at and day_of(c.accepted_at) == day),
        cases_finished=sum(1 for c in cases if c.decided_at and day_of(c.decided_at) == day),
        ratings=len(rs),
        satisfaction_rate=_rate(good, len(rs)),
    )
