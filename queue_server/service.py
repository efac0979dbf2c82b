"""The running hall: the rules core, kept durable in SQLite and told to the screens.

A command is applied to the in-memory `Hall` at once (one step on the event loop, so
two windows calling at the same instant can never get the same ticket), its events get
hall-wide sequence numbers, and the changed rows and the events are written in the
writer's next group commit. The caller is answered only after that commit, and the
events are broadcast only after it, so nothing anyone saw can be lost by a crash.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import functools
import logging
import sqlite3
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from onewindow import protocol as p
from onewindow.config import Config
from queue_server import rules as r
from queue_server import views
from queue_server.store import storage as db

log = logging.getLogger(__name__)
CALL_TYPES = ("ticket.called", "ticket.recalled")


class Clock:
    """The hall's clock. A simulated one stands still at the time the simulator last
    set, so a simulated day's times are exactly the simulator's (its ground truth)."""

    def __init__(self, tz: dt.tzinfo, simulated: bool = False) -> None:
        self.tz = tz
        self.simulated = simulated
        self._fixed: dt.datetime | None = None

    def now(self) -> dt.datetime:
        return self._fixed if self._fixed is not None else dt.datetime.now(self.tz)

    def set(self, when: dt.datetime) -> None:
        if not self.simulated:
            raise PermissionError("clock is not simulated")
        self._fixed = when.astimezone(self.tz)


def hall_rules(config: Config) -> r.HallRules:
    return r.HallRules(
        services=tuple(
            r.ServiceRule(
                s.code, s.prefix, s.mode == "consult_first", s.default_service_minutes * 60
            )
            for s in config.services
        ),
        windows=tuple(r.WindowRule(w.number, w.role, w.services, w.order) for w in config.windows),
        timezone=config.hall.timezone,
        day_starts_at=config.hall.day_starts_at,
        recalls_before_no_show=config.calling.recalls_before_no_show,
        no_show_grace=dt.timedelta(minutes=config.calling.no_show_grace_minutes),
        special_prefix=config.calling.special_prefix,
        recent_samples=config.calling.recent_service_samples,
        allow_priority_at_kiosk=config.kiosk.allow_priority,
    )


class HallService:
    def __init__(
        self,
        config: Config,
        storage: db.Storage,
        clock: Clock,
        publish: Callable[[list[tuple[int, str]]], None],
    ) -> None:
        self.config = config
        self.storage = storage
        self.clock = clock
        self.rules = hall_rules(config)
        self.hall = r.Hall(self.rules)
        # The last seq committed and handed to the screens. A snapshot names this one, not
        # `seq`: events still waiting for their commit are not in `calls` yet, and a screen
        # resuming from the snapshot must still be sent them.
        self.published_seq = 0
        self.calls: deque[p.CallView] = deque(maxlen=max(20, config.display.recent_calls))
        self._publish = publish
        self._queue_note_due = False
        self.on_new_day: list[Callable[[], None]] = []  # e.g. staff sessions end with the day
        self._background: set[asyncio.Future[None]] = set()
        # Hall writes applied to memory and not yet settled, and what lost writes touched.
        self._inflight: dict[int, _HallWrite] = {}
        self._tainted: set[tuple[str, object]] = set()
        self._repair_due = False
        storage.on_batch_end.append(self._repair)

    @property
    def seq(self) -> int:
        """The last seq committed and told to the screens."""
        return self.published_seq

    # -- start-up --

    def load(self, live_windows: dict[int, str]) -> list[r.Event]:
        """Rebuild today's state from the database; returns the start-up events to save.

        Tickets left open by an earlier day are expired, and a window is open only if
        a clerk still holds a session for it today (`live_windows`: window -> staff).
        """
        now = self.clock.now()
        today = self.rules.business_day(now)
        tz = self.clock.tz
        self.published_seq = self.storage.seq
        events: list[r.Event] = []
        stale = self.storage.read_now(lambda c: db.load_open_tickets_before(c, today, tz))
        for day in sorted({t.business_day for t in stale}):
            old = r.Hall(self.rules)
            old.restore([t for t in stale if t.business_day == day], day)
            events.extend(e for e in old.tick(now) if isinstance(e, r.TicketEvent))
        self.hall = r.Hall(self.rules)
        self.hall.next_place = self.storage.read_now(db.max_place) + 1
        self.hall.restore(self.storage.read_now(lambda c: db.load_tickets(c, today, tz)), today)
        for number, (state, staff, reason) in self.storage.read_now(db.load_windows).items():
            w = self.hall.windows.get(number)
            if w is None:
                continue
            if live_windows.get(number) == staff and staff is not None:
                w.state, w.staff_id, w.pause_reason = state, staff, reason
            elif state is not r.WindowState.CLOSED:
                w.changed_at = now
                events.append(r.WindowClosed(r.Window(number, w.role, w.services, w.order)))
        _seat_current(self.hall)
        self._load_calls(today)
        return events

    def _load_calls(self, today: dt.date) -> None:
        self.calls.clear()
        for body in self.storage.read_now(
            lambda c: db.recent_events(c, CALL_TYPES, self.calls.maxlen or 20)
        ):
            e = p.decode_event(body)
            is_call = isinstance(e, p.TicketCalled | p.TicketRecalled) and e.window is not None
            if is_call and self.rules.business_day(e.at) == today:
                self.calls.append(self._call_view(e))  # type: ignore[arg-type]

    # -- commands --

    async def run(self, command: r.Command) -> list[r.Event]:
        """Apply one command; returns its events once they are durable."""
        now = self.clock.now()
        events = self._new_day(now) + self.hall.handle(command, now)
        if events:
            await self.save(events, now)
        return events

    async def tick(self) -> list[r.Event]:
        now = self.clock.now()
        events = self._new_day(now)
        if events:
            await self.save(events, now)
        return events

    def _new_day(self, now: dt.datetime) -> list[r.Event]:
        """Close the old business day and open the new one, in one synchronous step.

        A day already on disk (a simulated clock set into days a previous run stored)
        is loaded, so its numbering continues instead of starting again at 001.
        """
        today = self.rules.business_day(now)
        if self.hall.day == today:
            return []
        events = self.hall.tick(now)
        stored = self.storage.read_now(lambda c: db.load_tickets(c, today, self.clock.tz))
        if stored:
            self.hall.restore(stored, today)
        for listener in self.on_new_day:
            listener()
        return events

    async def save(self, events: Iterable[r.Event], now: dt.datetime) -> None:
        """Persist `events`; `queue.changed` is coalesced to one per turn of the loop.

        Under load many tickets are issued and called in the same instant; screens
        need the waiting counts after them, not one message per ticket.
        """
        events = list(events)
        kept = [e for e in events if not isinstance(e, r.QueueChanged)]
        if len(kept) != len(events):
            self._note_queue_soon()
        if kept:
            await self._save(kept, now)

    def _note_queue_soon(self) -> None:
        if not self._queue_note_due:
            self._queue_note_due = True
            asyncio.get_running_loop().call_soon(self._note_queue)

    def _note_queue(self) -> None:
        self._queue_note_due = False
        event = r.QueueChanged(self.hall.waiting_counts())
        task = asyncio.ensure_future(self._save_quietly([event]))
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def _save_quietly(self, events: list[r.Event]) -> None:
        with contextlib.suppress(db.StorageError):  # already logged; the state is repaired
            await self._save(events, self.clock.now())

    async def record(
        self,
        builders: Iterable[Callable[[int], p.Event]],
        op: Callable[[sqlite3.Connection], None],
        related: Iterable[r.Event] = (),
    ) -> None:
        """Persist `op` with events built from their seq (cases, ratings), atomically.

        `related` queue events (a ticket that a case closed, say) go into the same
        transaction, so the log never holds one without the other.
        """
        await self._save(list(related), self.clock.now(), op, list(builders))

    async def _save(
        self,
        events: Iterable[r.Event],
        now: dt.datetime,
        extra_op: Callable[[sqlite3.Connection], None] | None = None,
        builders: Iterable[Callable[[int], p.Event]] = (),
    ) -> None:
        """Write the rows the events changed and the events themselves, in one write.

        The events get their seqs from the writer, in commit order, so the log has no
        gap and no seq twice whatever fails. A write that is not kept marks the tickets
        and windows it touched: a later write touching them was computed on a state that
        never was, and fails too; after the batch the state is rebuilt from the database
        and the writes still on their way (`_repair`).
        """
        events = list(events)
        builders = list(builders)
        tickets = {e.ticket.id: e.ticket for e in events if isinstance(e, r.TicketEvent)}
        windows = {e.window.number: e.window for e in events if isinstance(e, r.WindowEvent)}
        write = _HallWrite(tickets, windows)
        changes = db.save_changes(tickets.values(), windows.values())
        out: list[tuple[int, str]] = []
        calls: list[p.CallView] = []
        # Queue events and built ones (cases, ratings) become log rows alike, in this order.
        built: list[tuple[Callable[[int], p.Event], _RowKeys | None]] = [
            (functools.partial(views.wire_event, e, at=now), _row_keys(e)) for e in events
        ]
        built += [(build, None) for build in builders]

        def op(conn: sqlite3.Connection) -> None:
            if write.doomed or write.keys & self._tainted:
                self._doom(write)
                raise db.StorageError("depends on a write that was not kept")
            if extra_op is not None:
                extra_op(conn)
            rows = [self._row(build, keys, now, out, calls) for build, keys in built]
            changes(conn)
            db.insert_events(conn, rows)

        def after() -> None:
            self._inflight.pop(id(write), None)
            self.calls.extend(calls)
            if out:
                self.published_seq = out[-1][0]
            self._publish(out)

        def failed() -> None:
            self._inflight.pop(id(write), None)
            out.clear()
            calls.clear()
            if not write.doomed and write.keys:
                self._doom(write)

        self._inflight[id(write)] = write
        await self.storage.write(op, after, failed)

    def _row(
        self,
        build: Callable[[int], p.Event],
        keys: _RowKeys | None,
        now: dt.datetime,
        out: list[tuple[int, str]],
        calls: list[p.CallView],
    ) -> db.EventRow:
        seq = self.storage.next_seq()
        wire = build(seq)
        body = p.encode(wire).decode()
        if keys is None:  # a case or rating event names its case and window itself
            keys = (getattr(wire, "case_id", None), None, getattr(wire, "window", None))
        if isinstance(wire, p.TicketCalled | p.TicketRecalled):
            calls.append(self._call_view(wire))
        out.append((seq, body))
        return db.EventRow(seq, p.event_type(type(wire)), now.timestamp(), *keys, body)

    # -- keeping memory and database one --

    def _doom(self, write: _HallWrite) -> None:
        write.doomed = True
        self._tainted |= write.keys
        self._repair_due = True

    def _repair(self) -> None:
        """After a batch in which a hall write was not kept: fail every write still on
        its way that touches what the lost ones touched (in order, so a write touching a
        doomed one's window is doomed too), then rebuild the hall from the database plus
        the writes still on their way. Runs between two batches, synchronously, so no
        command and no commit happens in between."""
        if not self._repair_due:
            return
        for write in list(self._inflight.values()):
            if write.keys & self._tainted:
                self._doom(write)
                del self._inflight[id(write)]
        log.error("a write was not kept: the hall's state is rebuilt from the database")
        self._rebuild(list(self._inflight.values()))
        self._tainted = set()
        self._repair_due = False

    def _rebuild(self, on_the_way: list[_HallWrite]) -> None:
        today = self.hall.day or self.rules.business_day(self.clock.now())
        tz = self.clock.tz
        tickets = {t.id: t for t in self.storage.read_now(lambda c: db.load_tickets(c, today, tz))}
        windows = self.storage.read_now(db.load_windows)
        for write in on_the_way:
            for t in write.tickets.values():
                if t.business_day == today:
                    tickets[t.id] = r.copy_ticket(t)
            for w in write.windows.values():
                windows[w.number] = (w.state, w.staff_id, w.pause_reason)
        hall = r.Hall(self.rules)
        hall.next_place = self.storage.read_now(db.max_place) + 1
        hall.restore(sorted(tickets.values(), key=lambda t: t.place), today)
        for number, (state, staff, reason) in windows.items():
            if number in hall.windows:
                w = hall.windows[number]
                w.state, w.staff_id, w.pause_reason = state, staff, reason
        _seat_current(hall)
        self.hall = hall

    async def barrier(self) -> None:
        """Wait until every write queued before this call is durable."""
        await self.storage.write(lambda conn: None)

    # -- views --

    @staticmethod
    def _call_view(e: p.TicketCalled | p.TicketRecalled) -> p.CallView:
        assert e.window is not None
        return p.CallView(
            number=e.number, service=e.service, window=e.window, call_count=e.call_count, at=e.at
        )

    def snapshot(self) -> p.StateSnapshot:
        now = self.clock.now()
        # Yesterday's calls leave the screens with the day rollover.
        today = [c for c in self.calls if self.rules.business_day(c.at) == self.hall.day]
        recent = today[-self.config.display.recent_calls :][::-1]
        return views.snapshot(self.config, self.hall, self.published_seq, now, recent)


@dataclass(eq=False)
class _HallWrite:
    """A hall write on its way to the database: what it changed, for a repair."""

    tickets: dict[str, r.Ticket]
    windows: dict[int, r.Window]
    doomed: bool = False
    keys: frozenset[tuple[str, object]] = frozenset()

    def __post_init__(self) -> None:
        self.keys = frozenset(
            [("ticket", t) for t in self.tickets] + [("window", w) for w in self.windows]
        )


def _seat_current(hall: r.Hall) -> None:
    """Each window's current ticket, from the tickets in hand."""
    for t in hall.tickets.values():
        if t.state in r.IN_HAND and t.window in hall.windows:
            hall.windows[t.window].current = t.id


# What the log row of an event is found by: (ticket or case id, ticket number, window).
_RowKeys = tuple[str | None, str | None, int | None]


def _row_keys(event: r.Event) -> _RowKeys:
    if isinstance(event, r.TicketEvent):
        return event.ticket.id, event.ticket.number, event.ticket.window
    if isinstance(event, r.WindowEvent):
        return None, None, event.window.number
    return None, None, None
