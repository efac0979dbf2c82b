"""Signing staff in and out, and telling who made a request."""

from __future__ import annotations

import asyncio
import datetime as dt
import functools

from aiohttp import web

from queue_server import auth
from queue_server.errors import ApiError
from queue_server.rules import CloseWindow, OpenWindow
from queue_server.service import HallService

_DUMMY_SALT = b"onewindow-dummy!"


@functools.cache
def _dummy_hash() -> bytes:
    """A hash to check unknown staff ids against, so they cost as much time as known ones."""
    return auth.hash_pin("0000", _DUMMY_SALT)[1]


class Sessions:
    def __init__(self, service: HallService) -> None:
        self.service = service
        self.devices = auth.device_principals(service.config)
        self.staff: dict[str, auth.Principal] = {}
        service.on_new_day.append(self.expire_day)

    def load(self) -> dict[int, str]:
        """Today's live sessions; returns window -> staff id of those at a window."""
        day = self.service.rules.business_day(self.service.clock.now())
        self.staff = self.service.storage.read_now(lambda c: auth.live_sessions(c, day))
        return {p.window: p.name for p in self.staff.values() if p.window is not None}

    def identify(self, request: web.Request) -> auth.Principal | None:
        token = bearer_token(request)
        if not token:
            return None
        digest = auth.token_hash(token)
        device = self.devices.get(digest)
        if device is not None:
            return device
        return self.staff.get(digest)

    def expire_day(self) -> None:
        """At the day rollover every staff session ends with its window."""
        self.staff.clear()

    async def login(
        self, staff_id: str, pin: str, window: int | None
    ) -> tuple[str, auth.Principal, dt.datetime]:
        svc = self.service
        now = svc.clock.now()
        record = await svc.storage.read(lambda c: auth.get_staff(c, staff_id))
        if record is None:
            await asyncio.to_thread(auth.pin_matches, pin, _DUMMY_SALT, _dummy_hash())
            raise ApiError(401, "bad_credentials")
        if record.disabled:
            raise ApiError(403, "account_disabled")
        if record.locked_until and record.locked_until > now.timestamp():
            minutes = max(1, round((record.locked_until - now.timestamp()) / 60))
            raise ApiError(429, "account_locked", minutes=minutes)
        ok = await asyncio.to_thread(auth.pin_matches, pin, record.pin_salt, record.pin_hash)
        stamp = now.timestamp()
        await svc.storage.write(lambda c: auth.record_pin_result(c, staff_id, ok, stamp))
        if not ok:
            if record.failed_pins + 1 >= auth.MAX_WRONG_PINS:
                raise ApiError(429, "account_locked", minutes=auth.LOCK_MINUTES)
            raise ApiError(401, "bad_credentials")
        if window is None and record.role not in auth.SUPERVISING:
            raise ApiError(422, "window_required")
        if window is not None:
            svc.hall.window(window)  # 404 for an unknown window before anything changes
            await svc.run(OpenWindow(window, staff_id))
        token = auth.new_token()
        principal = auth.Principal("staff", record.role, staff_id, window, auth.token_hash(token))
        day = svc.rules.business_day(now)
        await svc.storage.write(lambda c: auth.save_session(c, principal, day, stamp))
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
        await svc.storage.write(lambda c: auth.end_session(c, principal.token_hash, stamp))

    def _day_end(self, now: dt.datetime) -> dt.datetime:
        start = self.service.config.hall.day_starts_at
        day = self.service.rules.business_day(now) + dt.timedelta(days=1)
        return dt.datetime.combine(day, start, tzinfo=self.service.clock.tz)


def bearer_token(request: web.Request) -> str | None:
    header = request.headers.get("Authorization", "")
    if header[:7].lower() == "bearer ":
        return header[7:].strip() or None
    return request.query.get("token") or None
