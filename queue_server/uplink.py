"""The hall's uplink: ships the event log, in seq order, to the district centre.

At-least-once: the hall sends what follows the last seq the centre acknowledged, the
centre keeps each (hall, seq) once and answers with the highest seq it holds without a
gap, and the hall records that ack durably before it sends on. A restart of either side
therefore resends only what is missing.

The hall never waits on it: it is a task of its own that only reads the log (on the
storage's reader thread) and writes one small row per ack. With the network cut or the
centre down it backs off and tries again; tickets, calls and screens go on meanwhile and
the backlog drains by itself, a batch per request, once the centre answers.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import random
import sqlite3
import time
from collections.abc import AsyncIterator

import aiohttp
import msgspec
from aiohttp import web

from onewindow import protocol as p
from onewindow.config import UplinkConfig
from onewindow.protocol import district as pd
from queue_server.store import storage as db
from queue_server.store.storage import Storage, StorageError

log = logging.getLogger(__name__)
FIRST_RETRY_S = 0.25


class DeliveryRefused(Exception):
    """The centre answered, but not with an ack (a wrong token, a refused batch...)."""


class Uplink:
    def __init__(self, config: UplinkConfig, storage: Storage, tz: dt.tzinfo) -> None:
        self.config = config
        self.storage = storage
        self.tz = tz
        self.acked = 0
        self.last_seq = 0
        self.last_error: str | None = None
        self.last_success: float | None = None
        self.last_attempt: float | None = None
        self._failures = 0

    async def status(self) -> pd.UplinkStatus:
        """As of now: the backlog counts events logged since the last delivery too."""
        with contextlib.suppress(sqlite3.Error, StorageError):
            self.last_seq = max(self.last_seq, await self.storage.read(db.last_seq))
        return pd.UplinkStatus(
            configured=True,
            url=self.config.url,
            hall=self.config.hall,
            acked_seq=self.acked,
            last_seq=self.last_seq,
            backlog=max(0, self.last_seq - self.acked),
            last_error=self.last_error,
            last_success_at=self._moment(self.last_success),
            last_attempt_at=self._moment(self.last_attempt),
        )

    def _moment(self, at: float | None) -> dt.datetime | None:
        return dt.datetime.fromtimestamp(at, self.tz) if at is not None else None

    async def run(self) -> None:
        timeout = aiohttp.ClientTimeout(total=self.config.timeout_s)
        headers = {"Authorization": f"Bearer {self.config.token}"}
        async with aiohttp.ClientSession(timeout=timeout, headers=headers) as session:
            self.acked, self.last_success = await self._position()
            while True:
                try:
                    more = await self.deliver(session)
                except (aiohttp.ClientError, TimeoutError, DeliveryRefused, StorageError) as e:
                    self._failed(e)
                    await asyncio.sleep(self._backoff())
                    continue
                except Exception as e:  # the uplink must outlive any surprise
                    log.exception("uplink delivery failed")
                    self._failed(e)
                    await asyncio.sleep(self._backoff())
                    continue
                if not more:
                    await asyncio.sleep(self.config.interval_s)

    async def _position(self) -> tuple[int, float | None]:
        while True:
            try:
                return await self.storage.read(db.uplink_position)
            except Exception as e:
                self._failed(e)
                await asyncio.sleep(self._backoff())

    async def deliver(self, session: aiohttp.ClientSession) -> bool:
        """One delivery (if there is anything to send, or a heartbeat is due); True when
        a full batch went, so more may be waiting."""
        after, limit = self.acked, self.config.batch
        bodies, self.last_seq = await self.storage.read(
            lambda c: db.events_for_uplink(c, after, limit)
        )
        idle_for = time.time() - (self.last_success or 0.0)
        if not bodies and idle_for < self.config.heartbeat_s:
            return False
        batch = pd.EventBatch(events=[p.decode_event(b) for b in bodies], head=self.last_seq)
        self.last_attempt = time.time()
        url = f"{self.config.url}/api/halls/{self.config.hall}/events"
        async with session.post(
            url, data=p.encode(batch), headers={"Content-Type": "application/json"}
        ) as resp:
            raw = await resp.read()
            if resp.status != 200:
                raise DeliveryRefused(f"{resp.status} {_error_code(raw)}")
        # The centre never holds more of this log than was sent; an ack past it would
        # mean another stream under this hall's code, and must not skip our events. An
        # ack below ours means the centre lost events (restored from a backup, say):
        # sending on from its ack puts them back.
        acked = min(p.decode(raw, pd.AckView).acked, batch.events[-1].seq if bodies else after)
        now = time.time()
        if acked != self.acked:
            if acked < self.acked:
                log.warning("the centre holds only up to seq %d: resending from there", acked)
            await self.storage.write(db.record_uplink_ack(acked, now))
        self.acked = acked
        self.last_success, self.last_error, self._failures = now, None, 0
        return len(bodies) == limit and acked > after

    def _failed(self, error: BaseException) -> None:
        self._failures += 1
        self.last_error = f"{type(error).__name__}: {error}"[:300]
        if self._failures == 1:  # once per outage, not once per retry
            log.warning("uplink to %s failing: %s", self.config.url, self.last_error)

    def _backoff(self) -> float:
        ceiling = min(self.config.retry_max_s, FIRST_RETRY_S * 2 ** min(self._failures, 16))
        return random.uniform(ceiling / 2, ceiling)  # spread the halls' retries apart


def _error_code(raw: bytes) -> str:
    try:
        return p.decode(raw, p.ErrorBody).error.code
    except (msgspec.DecodeError, msgspec.ValidationError):
        return raw[:100].decode(errors="replace")


UPLINK: web.AppKey[Uplink] = web.AppKey("uplink")


def install(app: web.Application, config: UplinkConfig, storage: Storage, tz: dt.tzinfo) -> None:
    """Ship this hall's log while the app runs (started after, stopped before, storage)."""
    app[UPLINK] = Uplink(config, storage, tz)
    app.cleanup_ctx.append(_run)


async def _run(app: web.Application) -> AsyncIterator[None]:
    task = asyncio.create_task(app[UPLINK].run())
    yield
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
