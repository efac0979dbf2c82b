"""The live monitor's hub: what every open monitor is shown, and pushing its changes.

Ingest calls `notify(hall)` once a hall's delivery has committed. Changes are coalesced:
halls noted while a push is being read or within `PUSH_GAP_S` of the last one go out
together in the next, so a district at its peak sends each monitor at most one update
per hall every `PUSH_GAP_S`, and a call in a quiet district goes out at once. Waits grow
and halls fall silent without any event, so a tick re-reads every hall each
`[monitor] refresh_s`. Only what changed is sent.

The hub lives in the centre process: one centre process serves the monitors (several
processes behind one address would each see only their own deliveries; they would need
PostgreSQL LISTEN/NOTIFY, which this centre does not use).

Each monitor has its own bounded outbox and sender, so a slow screen never holds up the
others; one that falls behind is closed and gets a fresh snapshot when it reconnects.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from typing import Any

from aiohttp import WSCloseCode, web
from psycopg_pool import AsyncConnectionPool

from central import figures
from central import monitor_warnings as mw
from central.config import DistrictConfig
from onewindow import protocol as p
from onewindow.protocol import district as pd
from onewindow.protocol import monitor as pm

log = logging.getLogger(__name__)
PUSH_GAP_S = 0.2
OUTBOX_LIMIT = 64
CASES_SHOWN = 100
CASES_READ_MAX = 20_000
HEARTBEAT_S = 20.0

_WINDOWS = """
SELECT w.hall, w.number, w.state, w.changed_at, t.number, t.service, t.state
FROM hall_windows w LEFT JOIN LATERAL (
    SELECT number, service, state FROM hall_tickets t
    WHERE t.hall = w.hall AND t."window" = w.number AND t.state IN ('called', 'serving')
    ORDER BY t.changed_at DESC LIMIT 1
) t ON true
WHERE w.hall = ANY(%s) ORDER BY w.hall, w.number
"""
# Accepted cases near or past their deadline; the partial index of migration 3 serves it.
_DUE_CASES = """
SELECT hall, case_no, item, service, deadline, alert FROM hall_cases
WHERE state = 'accepted' AND deadline IS NOT NULL AND (deadline <= %s OR alert IS NOT NULL)
ORDER BY deadline, hall, case_no LIMIT %s
"""


class Screen:
    """One open monitor: its socket, outbox and sender task."""

    __slots__ = ("outbox", "sender", "ws")

    def __init__(self, ws: web.WebSocketResponse) -> None:
        self.ws = ws
        self.outbox: asyncio.Queue[str | None] = asyncio.Queue(OUTBOX_LIMIT)
        self.sender: asyncio.Task[None] | None = None


class Monitor:
    def __init__(self, pool: AsyncConnectionPool, config: DistrictConfig) -> None:
        self.pool = pool
        self.config = config
        self.codes = [h.code for h in config.halls]
        self.screens: set[Screen] = set()
        self.tiles: dict[str, pm.HallTile] = {}
        self.warnings: list[pm.MonitorWarning] = []
        self.cases: list[pm.DueCase] = []
        self.cases_total = 0
        self._case_counts: dict[str, tuple[int, int]] = {}
        self._dirty: set[str] = set()
        self._lock = asyncio.Lock()
        self._flusher: asyncio.Task[None] | None = None
        self._ticker: asyncio.Task[None] | None = None
        self._last_push = 0.0

    # -- life --

    def start(self) -> None:
        self._ticker = asyncio.create_task(self._tick())

    async def close_screens(self) -> None:
        """Tell open monitors to go (they reconnect), so shutdown need not wait on them."""
        for screen in list(self.screens):
            await screen.ws.close(code=WSCloseCode.GOING_AWAY, message=b"centre shutdown")

    async def close(self) -> None:
        for task in (self._ticker, self._flusher):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        await self.close_screens()

    # -- what a new monitor gets --

    async def snapshot(self) -> pm.MonitorSnapshot:
        """Re-read everything (pushing what changed to the open monitors), then the whole."""
        async with self._lock:
            await self._refresh(self.codes, self._now(), cases=True)
            return self._whole()

    async def serve(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(compress=False, heartbeat=HEARTBEAT_S)
        screen = Screen(ws)
        async with self._lock:
            # Read before the upgrade: a database fault is still a plain 503 answer.
            await self._refresh(self.codes, self._now(), cases=True)
            await ws.prepare(request)
            screen.outbox.put_nowait(p.encode(self._whole()).decode())
            self.screens.add(screen)
        screen.sender = asyncio.create_task(self._send(screen))
        try:
            async for _ in ws:  # the monitor says nothing; this notices it has gone
                pass
        finally:
            self.screens.discard(screen)
            screen.sender.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await screen.sender
        return ws

    # -- pushing changes --

    def notify(self, code: str) -> None:
        """A delivery of hall `code` committed: its tile may have changed."""
        if not self.screens:
            return
        self._dirty.add(code)
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._flush())

    async def _flush(self) -> None:
        loop = asyncio.get_running_loop()
        while self._dirty:
            gap = self._last_push + PUSH_GAP_S - loop.time()
            if gap > 0:
                await asyncio.sleep(gap)
            codes, self._dirty = [c for c in self.codes if c in self._dirty], set()
            self._last_push = loop.time()
            try:
                async with self._lock:
                    # A delivery may carry case events: the due cases are read again too.
                    await self._refresh(codes, self._now(), cases=True)
            except Exception:
                log.exception("the monitor could not read the halls %s", codes)

    async def _tick(self) -> None:
        while True:
            await asyncio.sleep(self.config.monitor.refresh_s)
            if not self.screens:
                continue
            try:
                async with self._lock:
                    await self._refresh(self.codes, self._now(), cases=True)
            except Exception:
                log.exception("the monitor's periodic read failed")

    async def _refresh(self, codes: list[str], now: dt.datetime, *, cases: bool) -> None:
        """Read `codes` (and the due cases), keep them, and push what changed."""
        tiles = await self._read_tiles(codes, now)
        changed = [t for t in tiles if self.tiles.get(t.hall.code) != t]
        for tile in changed:
            self.tiles[tile.hall.code] = tile
        update: dict[str, Any] = {}
        if cases:
            due, total, counts = await self._read_cases(now)
            if (due, total) != (self.cases, self.cases_total):
                self.cases, self.cases_total = due, total
                update.update(cases=due, cases_total=total)
            self._case_counts = counts
        warnings = self._warnings(now)
        if warnings != self.warnings:
            self.warnings = warnings
            update["warnings"] = warnings
        if (changed or update) and self.screens:
            self._publish(p.encode(pm.MonitorUpdate(at=now, halls=changed, **update)).decode())

    def _publish(self, message: str) -> None:
        for screen in list(self.screens):
            try:
                screen.outbox.put_nowait(message)
            except asyncio.QueueFull:
                log.warning("a monitor fell behind; closing it so it reconnects afresh")
                self.screens.discard(screen)
                while not screen.outbox.empty():
                    screen.outbox.get_nowait()
                screen.outbox.put_nowait(None)

    async def _send(self, screen: Screen) -> None:
        while True:
            message = await screen.outbox.get()
            if message is None:
                await screen.ws.close(code=WSCloseCode.TRY_AGAIN_LATER, message=b"fell behind")
                return
            try:
                await screen.ws.send_str(message)  # text: a browser gets a string
            except (ConnectionError, RuntimeError):
                return

    # -- reading --

    def _now(self) -> dt.datetime:
        return dt.datetime.now(self.config.centre.tz)

    def _whole(self) -> pm.MonitorSnapshot:
        return pm.MonitorSnapshot(
            at=self._now(),
            centre=self.config.centre.name,
            limits=mw.limits(self.config),
            halls=[self.tiles[c] for c in self.codes if c in self.tiles],
            warnings=self.warnings,
            cases=self.cases,
            cases_total=self.cases_total,
        )

    def _warnings(self, now: dt.datetime) -> list[pm.MonitorWarning]:
        m = self.config.monitor
        found = [w for t in self.tiles.values() for w in mw.hall_warnings(t.hall, m, now)]
        found += mw.case_warnings(self._case_counts, m)
        return mw.ordered(found, self.codes)

    async def _read_tiles(self, codes: list[str], now: dt.datetime) -> list[pm.HallTile]:
        found = await figures.hall_figures(self.pool, self.config, now, codes)
        windows: dict[str, list[pd.WindowFigure]] = {c: [] for c in codes}
        async with self.pool.connection() as conn:
            cur = await conn.execute(_WINDOWS, (codes,))
            for (
                hall,
                number,
                state,
                changed_at,
                ticket,
                service,
                ticket_state,
            ) in await cur.fetchall():
                windows[hall].append(
                    pd.WindowFigure(
                        number=number,
                        state=state,
                        serving=ticket,
                        serving_service=service,
                        ticket_state=ticket_state,
                        changed_at=changed_at,
                    )
                )
        return [pm.HallTile(hall=f, windows=windows[f.code]) for f in found]

    async def _read_cases(
        self, now: dt.datetime
    ) -> tuple[list[pm.DueCase], int, dict[str, tuple[int, int]]]:
        today = now.astimezone(self.config.centre.tz).date()
        horizon = mw.warn_horizon(today, self.config.monitor)
        async with self.pool.connection() as conn:
            cur = await conn.execute(_DUE_CASES, (horizon, CASES_READ_MAX))
            rows: list[mw.CaseRow] = await cur.fetchall()
        due = [mw.due_case(r, today) for r in rows]
        # Overdue first, then by deadline: what needs doing first.
        due.sort(key=lambda c: (not c.overdue, c.deadline, c.hall, c.case_no or ""))
        return due[:CASES_SHOWN], len(due), mw.case_counts(rows, today)
