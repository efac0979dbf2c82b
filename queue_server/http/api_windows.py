"""Window routes: a clerk's calls and moves on the window they signed in at."""

from __future__ import annotations

from aiohttp import web

from onewindow import protocol as p
from queue_server import rules as r
from queue_server.http.errors import ApiError
from queue_server.http.keys import SERVICE
from queue_server.http.routing import STAFF, Call, Routes, answer
from queue_server.views import live_ticket_view, window_view

routes = Routes()


def _window(request: web.Request, call: Call) -> int:
    try:
        number = int(request.match_info["n"])
    except ValueError:
        raise r.NotFound("unknown_window", window=request.match_info["n"][:8]) from None
    request.app[SERVICE].hall.window(number)
    assert call.principal is not None
    if call.principal.window != number:
        raise ApiError(403, "wrong_window", window=call.principal.window)
    return number


def _ticket_answer(request: web.Request, events: list[r.Event]) -> web.Response:
    hall = request.app[SERVICE].hall
    ticket = next((e.ticket for e in reversed(events) if isinstance(e, r.TicketEvent)), None)
    if ticket is None:
        raise r.IllegalMove("no_ticket_in_hand", window=request.match_info["n"], state=None)
    return answer(live_ticket_view(hall, hall.tickets.get(ticket.id, ticket)))


def _window_answer(request: web.Request, number: int) -> web.Response:
    svc = request.app[SERVICE]
    return answer(window_view(svc.config, svc.hall, svc.hall.window(number)))


def _action(path: str, summary: str, body: type | None = None, window_answer: bool = False):  # type: ignore[no-untyped-def]
    return routes.add(
        "POST",
        f"/api/windows/{{n}}/{path}",
        summary=summary,
        tag="windows",
        body=body,
        answers={200: p.WindowView if window_answer else p.TicketView},
        allow=STAFF,
        errors=(404, 409),
    )


@routes.add(
    "POST",
    "/api/windows/{n}/call-next",
    summary="Call the next ticket: 204 when none waits",
    tag="windows",
    answers={200: p.TicketView, 204: None},
    allow=STAFF,
    errors=(404, 409),
)
async def call_next(request: web.Request, call: Call) -> web.Response:
    number = _window(request, call)
    events = await request.app[SERVICE].run(r.CallNext(number))
    if not any(isinstance(e, r.TicketCalled) for e in events):
        return web.Response(status=204)
    return _ticket_answer(request, events)


@_action("call", "Call one chosen waiting ticket (by number or id)", p.CallTicketRequest)
async def call_ticket(request: web.Request, call: Call) -> web.Response:
    number = _window(request, call)
    body: p.CallTicketRequest = call.body
    return _ticket_answer(
        request, await request.app[SERVICE].run(r.CallTicket(number, body.ticket))
    )


@_action("recall", "Call the current ticket again")
async def recall(request: web.Request, call: Call) -> web.Response:
    number = _window(request, call)
    return _ticket_answer(request, await request.app[SERVICE].run(r.Recall(number)))


@_action("start", "The visitor has arrived: service starts")
async def start(request: web.Request, call: Call) -> web.Response:
    number = _window(request, call)
    return _ticket_answer(request, await request.app[SERVICE].run(r.Start(number)))


@_action("finish", "Service of the current ticket is finished")
async def finish(request: web.Request, call: Call) -> web.Response:
    number = _window(request, call)
    return _ticket_answer(request, await request.app[SERVICE].run(r.Finish(number)))


@_action("no-show", "The called visitor did not come (after the configured recalls)")
async def no_show(request: web.Request, call: Call) -> web.Response:
    number = _window(request, call)
    return _ticket_answer(request, await request.app[SERVICE].run(r.MarkNoShow(number)))


@_action("transfer", "Send the current ticket to another service or window", p.TransferRequest)
async def transfer(request: web.Request, call: Call) -> web.Response:
    number = _window(request, call)
    body: p.TransferRequest = call.body
    events = await request.app[SERVICE].run(r.Transfer(number, body.service, body.window))
    return _ticket_answer(request, events)


@_action("pause", "Pause the window (no tickets are given to it)", p.PauseRequest, True)
async def pause(request: web.Request, call: Call) -> web.Response:
    number = _window(request, call)
    body: p.PauseRequest = call.body
    await request.app[SERVICE].run(r.PauseWindow(number, body.reason))
    return _window_answer(request, number)


@_action("resume", "Open a paused window again", None, True)
async def resume(request: web.Request, call: Call) -> web.Response:
    number = _window(request, call)
    await request.app[SERVICE].run(r.ResumeWindow(number))
    return _window_answer(request, number)


@routes.add(
    "GET",
    "/api/windows/{n}",
    summary="One window with its current ticket",
    tag="windows",
    answers={200: p.WindowView},
    errors=(404,),
)
async def get_window(request: web.Request, call: Call) -> web.Response:
    try:
        number = int(request.match_info["n"])
    except ValueError:
        raise r.NotFound("unknown_window", window=request.match_info["n"][:8]) from None
    return _window_answer(request, number)
