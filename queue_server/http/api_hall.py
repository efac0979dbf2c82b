"""Hall-wide routes: sign-in, the state snapshot, the event stream, the API document."""

from __future__ import annotations

import datetime as dt

from aiohttp import web

from onewindow import protocol as p
from queue_server.http.errors import ApiError
from queue_server.http.keys import HUB, OPENAPI, SERVICE, SESSIONS
from queue_server.http.routing import ANYONE_SIGNED_IN, STAFF, SUPERVISORS, Call, Routes, answer

routes = Routes()


@routes.add(
    "POST",
    "/api/login",
    summary="A clerk signs in at a window (opens it)",
    tag="staff",
    body=p.LoginRequest,
    answers={200: p.LoginResponse},
    allow=None,
    errors=(401, 403, 404, 409, 429),
)
async def login(request: web.Request, call: Call) -> web.Response:
    body: p.LoginRequest = call.body
    token, who, expires = await request.app[SESSIONS].login(
        body.staff_id, body.pin, body.window, client_address(request)
    )
    svc = request.app[SERVICE]
    window = svc.hall.windows.get(who.window) if who.window is not None else None
    return answer(
        p.LoginResponse(
            token=token,
            role=who.role,  # type: ignore[arg-type]
            staff_id=who.name,
            window=who.window,
            window_role=window.role if window else None,  # type: ignore[arg-type]
            expires_at=expires,
        )
    )


def client_address(request: web.Request) -> str:
    """The address sign-in attempts are counted against; the one place a proxy rule goes."""
    return request.remote or ""


@routes.add(
    "POST",
    "/api/logout",
    summary="Sign out (closes the window)",
    tag="staff",
    answers={204: None},
    allow=STAFF,
    errors=(409,),
)
async def logout(request: web.Request, call: Call) -> web.Response:
    assert call.principal is not None
    await request.app[SESSIONS].logout(call.principal)
    return web.Response(status=204)


@routes.add(
    "GET",
    "/api/me",
    summary="Who this token belongs to",
    tag="staff",
    answers={200: p.StaffView},
)
async def me(request: web.Request, call: Call) -> web.Response:
    who = call.principal
    assert who is not None
    return answer(p.StaffView(staff_id=who.name, role=who.role, window=who.window))  # type: ignore[arg-type]


@routes.add(
    "GET",
    "/api/state",
    summary="Snapshot: windows, recent calls, waiting per service",
    tag="hall",
    answers={200: p.StateSnapshot},
)
async def state(request: web.Request, call: Call) -> web.Response:
    return answer(request.app[SERVICE].snapshot())


@routes.add(
    "GET",
    "/api/ws",
    summary="Websocket: snapshot or missed events since SEQ, then live events",
    tag="hall",
    answers={101: None},
    allow=ANYONE_SIGNED_IN,
    query={"since": "the last seq this client has seen", "token": "a device or staff token"},
)
async def stream(request: web.Request, call: Call) -> web.StreamResponse:
    raw = request.query.get("since")
    since = None
    if raw not in (None, ""):
        try:
            since = int(raw)  # type: ignore[arg-type]
        except ValueError:
            raise ApiError(422, "invalid_body", reason="since") from None
    return await request.app[HUB].serve(request, since)


@routes.add(
    "GET",
    "/api/openapi.json",
    summary="This document",
    tag="hall",
    answers={200: None},
    allow=None,
)
async def openapi(request: web.Request, call: Call) -> web.Response:
    return web.json_response(request.app[OPENAPI])


@routes.add(
    "GET",
    "/api/clock",
    summary="The hall's clock (and whether it is simulated)",
    tag="hall",
    answers={200: p.ClockView},
)
async def clock(request: web.Request, call: Call) -> web.Response:
    hall_clock = request.app[SERVICE].clock
    return answer(p.ClockView(now=hall_clock.now(), simulated=hall_clock.simulated))


@routes.add(
    "POST",
    "/api/sim/clock",
    summary="Move a simulated clock forward (serve --sim-clock only)",
    tag="hall",
    body=p.ClockRequest,
    answers={200: p.ClockView},
    allow=SUPERVISORS,
    errors=(409,),
)
async def set_clock(request: web.Request, call: Call) -> web.Response:
    from queue_server.http.app import tick_once

    hall_clock = request.app[SERVICE].clock
    if not hall_clock.simulated:
        raise ApiError(403, "sim_clock_disabled")
    when: dt.datetime = call.body.now
    if when.tzinfo is None:
        raise ApiError(422, "invalid_body", reason="now needs a time zone")
    if when < hall_clock.now():
        raise ApiError(409, "clock_backwards")
    hall_clock.set(when)
    await tick_once(request.app)  # the day rollover and deadlines follow the new time at once
    return answer(p.ClockView(now=hall_clock.now(), simulated=True))
