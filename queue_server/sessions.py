"""Signing staff in and out, and telling who made a request."""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import sqlite3
import time
from dataclasses import dataclass

from aiohttp import web

from queue_server import auth
from queue_server import rules as refusals
from queue_server.rules import CloseWindow, OpenWindow
from queue_server.service import HallService
from queue_server.store import staff as staff_store
from queue_server.store.storage import connect

_DUMMY_SALT = b"onewindow-dummy!"


@functools.cache
def _dummy_hash() -> bytes:
    """A hash to check unknown staff ids against, so they cost as much time as known ones."""
    return auth.hash_pin("0000", _DUMMY_SALT)[1]


# A second, slower limit per staff id over all addresses: many addresses guessing one
# PIN are slowed, while a clerk at their own window is not kept out by one bad address.
GLOBAL_WRONG_PINS = 50
WINDOW_SECONDS = 15 * 60


@dataclass
class _Tally:
    """Attempts counted for one key inside the current window, and any lock on it."""

    started: float
    attempts: int = 0
    locked_until: float = 0.0


class Attempts:
    """In-memory sign-in attempt counters per (staff id, address) and per staff id.

    An attempt is counted before the PIN is checked, in one step on the event loop
    (no await between the test and the increment), so concurrent requests can never
    check more PINs than the limit. Unknown and known ids are counted alike, so a lock
    tells nothing about whether an id exists. Restart durability is not needed: a
    restart costs an attacker minutes, and scrypt still bounds the guessing rate.
    """

    def __init__(self) -> None:
        self.pairs: dict[tuple[str, str], _Tally] = {}
        self.ids: dict[str, _Tally] = {}

    def reserve(self, staff_id: str, address: str, now: float) -> float:
        """Count one attempt; returns 0, or the time a lock on this attempt ends."""
        pair = self._tally(self.pairs, (staff_id, address), now)
        whole = self._tally(self.ids, staff_id, now)
        for tally in (pair, whole):
            if tally.locked_until > now:
                return tally.locked_until
        if pair.attempts >= auth.MAX_WRONG_PINS:
            pair.locked_until = now + auth.LOCK_MINUTES * 60
            return pair.locked_until
        if whole.attempts >= GLOBAL_WRONG_PINS:
            whole.locked_until = now + auth.LOCK_MINUTES * 60
            return whole.locked_until
        pair.attempts += 1
        whole.attempts += 1
        return 0.0

    def succeeded(self, staff_id: str, address: str) -> None:
        """A right PIN gives the pair its attempts back; the id-wide count stays."""
        self.pairs.pop((staff_id, address), None)

    def _tally(self, table: dict, key: object, now: float) -> _Tally:  # type: ignore[type-arg]
        tally = table.get(key)
        if tally is None or (now - tally.started > WINDOW_SECONDS and tally.locked_until <= now):
            if len(table) > 100_000:  # a flood of made-up ids must not grow memory forever
                table.clear()
            tally = table[key] = _Tally(started=now)
        return tally


class Sessions:
    def __init__(self, service: HallService) -> None:
        self.service = service
        self.devices = auth.device_principals(service.config)
        self.staff: dict[str, auth.Principal] = {}
        self.attempts = Attempts()
        self._watch: sqlite3.Connection | None = None
        self._data_version = -1
        service.on_new_day.append(self.expire_day)

    def load(self) -> dict[int, str]:
        """Today's live sessions; returns window -> staff id of those at a window."""
        day = self.service.rules.business_day(self.service.clock.now())
        self.staff = self.service.storage.read_now(lambda c: staff_store.live_sessions(c, day))
        return {p.window: p.name for p in self.staff.values() if p.window is not None}

    def identify(self, request: web.Request) -> auth.Principal | None:
        token = bearer_token(request)
        if not token:
            return None
        digest = auth.token_hash(token)
        device = self.devices.get(digest)
        if device is not None:
            return device
        self._follow_database()
        return self.staff.get(digest)

    def _follow_database(self) -> None:
        """Reload live sessions when another process (the staff CLI) wrote the database.

        `PRAGMA data_version` on a connection of our own changes only when some other
        connection committed, and costs a few microseconds; the reload runs only then.
        Disabling, a PIN reset or a role change end the sessions in the database, so the
        reload drops those tokens at the next request.
        """
        if self._watch is None:
            self._watch = connect(self.service.storage.path)
        version = self._watch.execute("PRAGMA data_version").fetchone()[0]
        if version == self._data_version:
            return
        self._data_version = version
        day = self.service.rules.business_day(self.service.clock.now())
        self.staff = staff_store.live_sessions(self._watch, day)

    def expire_day(self) -> None:
        """At the day rollover every staff session ends with its window."""
        self.staff.clear()

    def close(self) -> None:
        if self._watch is not None:
            self._watch.close()
            self._watch = None

    async def login(
        self, staff_id: str, pin: str, window: int | None, address: str = ""
    ) -> tuple[str, auth.Principal, dt.datetime]:
        svc = self.service
        now = svc.clock.now()
        stamp = now.timestamp()
        # Counted before any await: this is what makes the limit hold under concurrency.
        locked_until = self.attempts.reserve(staff_id, address, time.monotonic())
        record = await svc.storage.read(lambda c: staff_store.get_staff(c, staff_id))
        usable = record is not None and not record.disabled and not locked_until
        # Every refusal costs one scrypt, so unknown, disabled and locked ids answer in
        # the same time as a wrong PIN.
        if record is not None and usable:
            ok = await asyncio.to_thread(auth.pin_matches, pin, record.pin_salt, record.pin_hash)
        else:
            await asyncio.to_thread(auth.pin_matches, pin, _DUMMY_SALT, _dummy_hash())
            ok = False
        if locked_until:
            minutes = max(1, round((locked_until - time.monotonic()) / 60))
            raise refusals.Limited("account_locked", minutes=minutes)
        if record is None or not ok:
            raise refusals.NotSignedIn("bad_credentials")
        self.attempts.succeeded(staff_id, address)
        await svc.storage.write(lambda c: staff_store.clear_failed_pins(c, staff_id))
        if window is None and record.role not in auth.SUPERVISING:
            raise refusals.BadCommand("window_required")
        if window is not None:
            svc.hall.window(window)  # 404 for an unknown window before anything changes
            await svc.run(OpenWindow(window, staff_id))
        token = auth.new_token()
        principal = auth.Principal("staff", record.role, staff_id, window, auth.token_hash(token))
        day = svc.rules.business_day(now)
        await svc.storage.write(lambda c: staff_store.save_session(c, principal, day, stamp))
        self.staff[principal.token_hash] = principal
        return token, principal, self._day_end(now)

    async def logout(self, principal: auth.Principal) -> None:
        svc = self.service
        if principal.window is not None:
            w = svc.hall.windows.get(principal.window)
            if w is not None and w.staff_id == principal.name:
                await svc.run(CloseWindow(principal.window))
        self.staff.pop(principal.token_hash, None)
        stamp = svc.clock.now().timestamp()
        await svc.storage.write(lambda c: staff_store.end_session(c, principal.token_hash, stamp))

    def _day_end(self, now: dt.datetime) -> dt.datetime:
        start = self.service.config.hall.day_starts_at
        day = self.service.rules.business_day(now) + dt.timedelta(days=1)
        return dt.datetime.combine(day, start, tzinfo=self.service.clock.tz)


def bearer_token(request: web.Request) -> str | None:
    header = request.headers.get("Authorization", "")
    if header[:7].lower() == "bearer ":
        return header[7:].strip() or None
    return request.query.get("token") or None
