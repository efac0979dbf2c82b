"""The clerk terminal's mirror of the hall: a snapshot kept current by the event stream.

Pure data, no I/O and no Textual, so it can be tested alone. The server is the only
authority; this mirror exists so the screen can redraw on every event without a
request. Every ticket event carries the ticket's whole view after the event, so
applying events is "last write wins" per ticket: a waiting list fetched at any moment
after the snapshot, with every later event applied in order, converges to the truth.
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from dataclasses import dataclass

import msgspec

from onewindow import protocol as p

IN_HAND = ("called", "serving")
RECENT_CALLS = 50


@dataclass(frozen=True)
class QueueLine:
    """What one service looks like from one window: tickets it could call, by kind."""

    service: str
    special: int
    priority: int
    normal: int
    oldest_issued_at: dt.datetime | None

    @property
    def total(self) -> int:
        return self.special + self.priority + self.normal


@dataclass(frozen=True)
class WaitAlert:
    service: str
    oldest_wait_s: int
    limit_s: int


class HallModel:
    def __init__(self) -> None:
        self.state: p.StateSnapshot | None = None
        self.windows: dict[int, p.WindowView] = {}
        self.services: dict[str, p.ServiceView] = {}
        self.waiting: dict[str, p.TicketView] = {}
        self.waiting_complete = False
        self.calls: deque[p.CallView] = deque(maxlen=RECENT_CALLS)
        self.day_calls: list[p.CallView] = []
        self.seq = 0
        self.resets = 0  # snapshots taken: a resumed stream adds none
        # server time minus this PC's time: window PCs' clocks drift, and a waited time
        # must be the server's, so durations use the server's clock as last measured.
        self.offset = dt.timedelta(0)

    @property
    def ready(self) -> bool:
        return self.state is not None

    # -- feeding --

    def reset(self, snapshot: p.StateSnapshot, local_now: dt.datetime) -> None:
        """A fresh snapshot replaces everything; the waiting list must be fetched again."""
        self.state = snapshot
        self.resets += 1
        self.seq = snapshot.seq
        self.offset = snapshot.at - local_now
        self.windows = {w.number: w for w in snapshot.windows}
        self.services = {s.code: s for s in snapshot.services}
        self.calls = deque(snapshot.recent_calls, maxlen=RECENT_CALLS)
        self.day_calls = []
        self.waiting = {}
        self.waiting_complete = False

    def set_waiting(self, tickets: list[p.TicketView]) -> None:
        """The waiting list as fetched; events already applied still hold for later ones."""
        self.waiting = {t.id: t for t in tickets if t.state == "waiting"}
        self.waiting_complete = True

    def apply(self, event: p.Event) -> None:
        self.seq = max(self.seq, event.seq)
        if isinstance(event, p.TicketEventBase):
            self._apply_ticket(event)
        elif isinstance(event, p.WindowEventBase):
            self._apply_window(event)
        elif isinstance(event, p.QueueChanged):
            for code, count in event.waiting.items():
                if code in self.services:
                    self.services[code] = msgspec.structs.replace(
                        self.services[code], waiting=count
                    )

    def _apply_ticket(self, event: p.TicketEventBase) -> None:
        t = event.ticket
        if t.state == "waiting":
            self.waiting[t.id] = t
        else:
            self.waiting.pop(t.id, None)
        for number, w in self.windows.items():
            if w.current is not None and w.current.id == t.id:
                keep = t.state in IN_HAND and t.window == number
                self.windows[number] = msgspec.structs.replace(w, current=t if keep else None)
        if t.state in IN_HAND and t.window in self.windows:
            w = self.windows[t.window]
            self.windows[t.window] = msgspec.structs.replace(w, current=t)
        if isinstance(event, p.TicketCalled | p.TicketRecalled) and event.window is not None:
            call = p.CallView(
                number=event.number,
                service=event.service,
                window=event.window,
                call_count=event.call_count,
                at=event.at,
            )
            self.calls.append(call)

    def _apply_window(self, event: p.WindowEventBase) -> None:
        w = self.windows.get(event.window)
        if w is None:
            return
        current = None if event.state == "closed" else w.current
        self.windows[event.window] = msgspec.structs.replace(
            w,
            state=event.state,
            staff_id=event.staff_id,
            pause_reason=event.reason,
            changed_at=event.at,
            current=current,
        )

    # -- reading --

    def server_now(self, local_now: dt.datetime) -> dt.datetime:
        return local_now + self.offset

    def window(self, number: int | None) -> p.WindowView | None:
        return self.windows.get(number) if number is not None else None

    def callable_at(self, w: p.WindowView, t: p.TicketView) -> bool:
        """Mirrors the server's rule of which waiting tickets a window may call.

        Shown only as counts; the server decides every call. Consult-first services'
        ordinary tickets go to consultation windows, their special tickets elsewhere.
        """
        if t.target_window is not None:
            return t.target_window == w.number
        if t.service not in w.services or w.role == "guide":
            return False
        if w.role == "consultation":
            return t.kind != "special"
        service = self.services.get(t.service)
        return t.kind == "special" or service is None or service.mode != "consult_first"

    def queue_lines(self, number: int) -> list[QueueLine]:
        """One line per service the window serves, in the window's order."""
        w = self.windows.get(number)
        if w is None:
            return []
        counts = {code: {"special": 0, "priority": 0, "normal": 0} for code in w.services}
        oldest: dict[str, dt.datetime] = {}
        for t in self.waiting.values():
            if t.service not in counts or not self.callable_at(w, t):
                continue
            counts[t.service][t.kind] += 1
            if t.service not in oldest or t.issued_at < oldest[t.service]:
                oldest[t.service] = t.issued_at
        return [
            QueueLine(code, c["special"], c["priority"], c["normal"], oldest.get(code))
            for code, c in counts.items()
        ]

    def sent_here(self, number: int) -> int:
        """Tickets transferred or reassigned to this window by name."""
        return sum(1 for t in self.waiting.values() if t.target_window == number)

    def oldest_wait_s(self, service: str, local_now: dt.datetime) -> int:
        """The longest wait in a service's own line (as the server counts it)."""
        issued = [
            t.issued_at
            for t in self.waiting.values()
            if t.service == service and t.target_window is None
        ]
        if not issued:
            return 0
        return max(0, int((self.server_now(local_now) - min(issued)).total_seconds()))

    def alerts(self, local_now: dt.datetime) -> list[WaitAlert]:
        out = []
        for s in self.services.values():
            waited = self.oldest_wait_s(s.code, local_now)
            if s.wait_alert_s > 0 and waited > s.wait_alert_s:
                out.append(WaitAlert(s.code, waited, s.wait_alert_s))
        return sorted(out, key=lambda a: -a.oldest_wait_s)

    def open_windows(self, service: str) -> int:
        return sum(1 for w in self.windows.values() if w.state == "open" and service in w.services)

    def window_calls(self, number: int, limit: int = 8) -> list[p.CallView]:
        live = [c for c in self.calls if c.window == number]
        seen = {(c.number, c.call_count) for c in live}
        day = [
            c for c in self.day_calls if c.window == number and (c.number, c.call_count) not in seen
        ]
        merged = sorted(day + live, key=lambda c: c.at)
        return merged[::-1][:limit]

    def set_day_calls(self, number: int, tickets: list[p.TicketView]) -> None:
        """The window's own calls of the day, from today's tickets.

        The snapshot's recent calls are the last few hall-wide; in a busy hall (or right
        after a server restart) they may hold none of this window's calls.
        """
        self.day_calls = [
            p.CallView(
                number=t.number,
                service=t.service,
                window=number,
                call_count=t.call_count,
                at=t.called_at,
            )
            for t in tickets
            if t.window == number and t.called_at is not None
        ]
