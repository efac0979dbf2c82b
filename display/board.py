"""The terminal screen's copy of the hall, kept current by the event stream.

The same rules as the browser pages' `model.js`: a snapshot replaces the board unless
events already took it further; an event applies only if it is the next `seq`; each
call is reported once (by number, window, call count and time) so a screen never
shows or announces one call twice, whichever way it learnt of it. No I/O here.
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from dataclasses import dataclass, field
from typing import Literal

from onewindow import protocol as p

Outcome = Literal["applied", "old", "gap"]
IN_HAND = ("called", "serving")
# More than a screen shows, so folding recalls into their first call leaves enough rows.
KEEP_CALLS = 30
SEEN_LIMIT = 500


@dataclass
class WindowSlot:
    number: int
    name: str
    state: str
    current: p.TicketView | None = None


@dataclass
class ServiceSlot:
    code: str
    name_zh: str
    name_en: str
    waiting: int = 0


def call_key(call: p.CallView) -> tuple[str, int, int, dt.datetime]:
    return (call.number, call.window, call.call_count, call.at)


@dataclass
class Board:
    hall: str = ""
    notice: str = ""
    seq: int | None = None
    language: str = "zh"
    recent_limit: int = 10
    announce_repeat: int = 1
    server_at: dt.datetime | None = None
    windows: dict[int, WindowSlot] = field(default_factory=dict)
    services: list[ServiceSlot] = field(default_factory=list)
    calls: deque[p.CallView] = field(default_factory=lambda: deque(maxlen=KEEP_CALLS))
    _seen: dict[tuple[str, int, int, dt.datetime], None] = field(default_factory=dict)

    @property
    def loaded(self) -> bool:
        return self.seq is not None

    def load(self, state: p.StateSnapshot) -> list[p.CallView] | None:
        """Take a snapshot; returns the calls in it not seen before (oldest first),
        or None when the board is already past it."""
        if self.seq is not None and state.seq < self.seq:
            return None
        first = self.seq is None
        self.hall, self.notice, self.seq = state.hall, state.notice, state.seq
        self.language = state.display.language
        self.recent_limit = state.display.recent_calls
        self.announce_repeat = state.display.announce_repeat
        self.server_at = state.at
        self.windows = {
            w.number: WindowSlot(w.number, w.name, w.state, w.current) for w in state.windows
        }
        self.services = [
            ServiceSlot(s.code, s.name_zh, s.name_en, s.waiting) for s in state.services
        ]
        self.calls.clear()
        self.calls.extendleft(reversed(state.recent_calls))
        new = self._note(list(reversed(state.recent_calls)))
        return [] if first else new

    def apply(self, event: p.Event) -> tuple[Outcome, list[p.CallView]]:
        """Apply the next event; returns the outcome and the new call it made, if any."""
        if self.seq is None or event.seq <= self.seq:
            return "old", []
        if event.seq > self.seq + 1:
            return "gap", []
        self.seq = event.seq
        new: list[p.CallView] = []
        if isinstance(event, p.TicketEventBase):
            new = self._ticket(event)
        elif isinstance(event, p.WindowEventBase):
            slot = self.windows.get(event.window)
            if slot is not None:
                slot.state = event.state
                if event.state == "closed":
                    slot.current = None
        elif isinstance(event, p.QueueChanged):
            for service in self.services:
                service.waiting = event.waiting.get(service.code, 0)
        return "applied", new

    def _ticket(self, event: p.TicketEventBase) -> list[p.CallView]:
        ticket = event.ticket
        held = ticket.state in IN_HAND and ticket.window is not None
        for slot in self.windows.values():
            mine = slot.current is not None and slot.current.id == ticket.id
            if mine and not (held and slot.number == ticket.window):
                slot.current = None
        if held and ticket.window in self.windows:
            self.windows[ticket.window].current = ticket
        if isinstance(event, p.TicketCalled | p.TicketRecalled) and event.window is not None:
            call = p.CallView(
                number=event.number,
                service=event.service,
                window=event.window,
                call_count=event.call_count,
                at=event.at,
            )
            self.calls.appendleft(call)
            return self._note([call])
        return []

    def _note(self, calls: list[p.CallView]) -> list[p.CallView]:
        new = [c for c in calls if call_key(c) not in self._seen]
        for call in new:
            self._seen[call_key(call)] = None
        while len(self._seen) > SEEN_LIMIT:
            del self._seen[next(iter(self._seen))]
        return new

    def latest_calls(self, limit: int) -> list[p.CallView]:
        """Latest first, each number once (a recall moves it back to the top)."""
        seen: set[str] = set()
        out: list[p.CallView] = []
        for call in self.calls:
            if call.number not in seen:
                seen.add(call.number)
                out.append(call)
            if len(out) >= limit:
                break
        return out
