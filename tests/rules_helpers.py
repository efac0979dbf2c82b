"""Building halls in a known state for the rules tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from onewindow.config import load_config
from queue_server import rules as r
from queue_server.service import hall_rules
from tests.hallserver import SAMPLE_CONFIG

TZ = dt.timezone(dt.timedelta(hours=8))
T0 = dt.datetime(2026, 11, 26, 9, 0, tzinfo=TZ)  # a Thursday morning in the hall


def sample_rules(**changes: Any) -> r.HallRules:
    rules = hall_rules(load_config(SAMPLE_CONFIG))
    return r.HallRules(**{**rules.__dict__, **changes})


class Clocked:
    """A hall and its own clock, advanced by each step."""

    def __init__(self, rules: r.HallRules | None = None, now: dt.datetime = T0) -> None:
        self.hall = r.Hall(rules or sample_rules())
        self.now = now

    def do(self, command: r.Command, seconds: float = 10) -> list[r.Event]:
        self.now += dt.timedelta(seconds=seconds)
        return self.hall.handle(command, self.now)

    def issue(
        self, service: str = "A", kind: r.TicketKind = r.TicketKind.NORMAL, **kw: Any
    ) -> r.Ticket:
        events = self.do(r.IssueTicket(service, kind, **kw))
        return next(e.ticket for e in events if isinstance(e, r.TicketIssued))

    def open(self, *windows: int) -> None:
        for w in windows:
            self.do(r.OpenWindow(w, f"staff{w}"))

    def called(self, window: int) -> r.Ticket | None:
        events = self.do(r.CallNext(window))
        return next((e.ticket for e in events if isinstance(e, r.TicketCalled)), None)

    def state(self) -> dict[str, Any]:
        """The whole observable state, for before/after comparisons."""
        h = self.hall
        return {
            "tickets": {
                t.number: (
                    t.state.value,
                    t.service,
                    t.window,
                    t.target_window,
                    t.call_count,
                    t.place,
                    t.outcome,
                )
                for t in h.tickets.values()
            },
            "windows": {
                n: (w.state.value, w.staff_id, h.tickets[w.current].number if w.current else None)
                for n, w in h.windows.items()
            },
            "waiting": h.waiting_counts(),
        }


def expected_next(hall: r.Hall, number: int) -> r.Ticket | None:
    """Who is next at a window, found by brute force over every waiting ticket."""
    w = hall.windows[number]
    services = {s.code: s for s in hall.rules.services}
    candidates = []
    for t in hall.tickets.values():
        if t.state is not r.TicketState.WAITING:
            continue
        rank = r.RANK.get(t.kind, r.Rank.NORMAL)
        if t.target_window is not None:
            if t.target_window != number:
                continue
            listed_at = -1
        else:
            if t.service not in w.services:
                continue
            consult_first = services[t.service].consult_first
            if w.role == "consultation" and rank is r.Rank.SPECIAL:
                continue
            if w.role != "consultation" and consult_first and rank is not r.Rank.SPECIAL:
                continue
            listed_at = w.services.index(t.service)
        key = (rank, listed_at, t.place) if w.order == "listed" else (rank, t.place)
        candidates.append((key, t))
    return min(candidates, key=lambda c: c[0])[1] if candidates else None
