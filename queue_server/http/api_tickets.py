"""Ticket routes: issue, special-call tickets, public status, look-up and supervision."""

from __future__ import annotations

import re
from collections.abc import Callable

from aiohttp import web

from onewindow import protocol as p
from queue_server import rules as r
from queue_server.auth import Principal
from queue_server.http.errors import ApiError
from queue_server.http.keys import INTAKE, SERVICE
from queue_server.http.routing import STAFF, SUPERVISORS, Call, Handler, Routes, answer
from queue_server.views import live_ticket_view, ticket_view

routes = Routes()
_KEY = re.compile(r"^[\x21-\x7e]{1,128}$")


def _channel(principal: Principal, asked: str | None) -> str:
    if principal.kind == "device":
        return "kiosk"
    if asked is not None:
        return asked
    return "guide" if principal.role == "guide" else "window"


def _issued(events: list[r.Event]) -> p.TicketView:
    """The new ticket as the issue event saw it (its place in line is already known)."""
    event = next(e for e in events if isinstance(e, r.TicketIssued))
    return ticket_view(event.ticket, event.people_ahead, event.estimated_wait_s)


@routes.add(
    "POST",
    "/api/tickets",
    summary="Issue a ticket (kiosk, guide desk, clerk)",
    tag="tickets",
    body=p.IssueTicketRequest,
    answers={201: p.TicketView, 200: p.TicketView},
    allow=frozenset({"kiosk"}) | STAFF,
    errors=(404,),
)
async def issue_ticket(request: web.Request, call: Call) -> web.Response:
    """A repeated `Idempotency-Key` from the same caller answers 200 with the same ticket."""
    body: p.IssueTicketRequest = call.body
    principal = call.principal
    assert principal is not None
    svc = request.app[SERVICE]
    kind = r.TicketKind(body.kind)
    key = request.headers.get("Idempotency-Key")
    if key is not None and not _KEY.match(key):
        raise ApiError(400, "idempotency_key_invalid")
    scoped = f"{principal.name}:{key}" if key else None
    command = r.IssueTicket(
        body.service, kind, _channel(principal, body.channel), body.window, scoped
    )
    if scoped and svc.hall.repeated_issue(command) is not None:
        await svc.barrier()  # the first request's write is durable before we repeat it
        ticket = svc.hall.repeated_issue(command)
        if ticket is not None:
            return answer(live_ticket_view(svc.hall, ticket), 200)
    return answer(_issued(await svc.run(command)), 201)


@routes.add(
    "POST",
    "/api/special-tickets",
    summary="Issue a special-call ticket (特呼号) after pre-check",
    tag="tickets",
    body=p.SpecialTicketRequest,
    answers={201: p.TicketView},
    allow=STAFF,
    errors=(404, 409),
)
async def issue_special(request: web.Request, call: Call) -> web.Response:
    body: p.SpecialTicketRequest = call.body
    principal = call.principal
    assert principal is not None
    svc = request.app[SERVICE]
    if not svc.hall.may_issue_special(principal.window, principal.supervises):
        raise ApiError(403, "kind_not_allowed")
    desk = svc.hall.windows.get(principal.window) if principal.window else None
    channel = "guide" if desk is None or desk.role == "guide" else "window"
    service, case_id = body.service, None
    if body.case is not None:
        # The pre-checked case decides where the visitor goes next, unless told otherwise.
        case = await request.app[INTAKE].case(body.case)
        service, case_id = service or case.service, case.id
    command = r.IssueSpecial(
        body.from_ticket, service, body.window, case_id, principal.window, channel
    )
    return answer(_issued(await svc.run(command)), 201)


@routes.add(
    "GET",
    "/api/tickets/{id}",
    summary="Public status of one ticket, by its opaque id",
    tag="tickets",
    answers={200: p.TicketView},
    allow=None,
    errors=(404,),
)
async def ticket_status(request: web.Request, call: Call) -> web.Response:
    svc = request.app[SERVICE]
    ticket = svc.hall.tickets.get(request.match_info["id"])
    if ticket is None:  # only ids: a number must not open someone else's ticket
        raise r.NotFound("unknown_ticket", ticket=request.match_info["id"][:16])
    return answer(live_ticket_view(svc.hall, ticket))


@routes.add(
    "GET",
    "/api/tickets",
    summary="Today's tickets, for staff (look a number up)",
    tag="tickets",
    answers={200: p.TicketList},
    allow=STAFF,
    query={
        "number": "a ticket number such as A012",
        "state": "waiting, called, ...",
        "service": "a service code",
        "limit": "at most this many (default 200)",
    },
)
async def list_tickets(request: web.Request, call: Call) -> web.Response:
    svc = request.app[SERVICE]
    q = request.query
    try:
        limit = max(1, min(int(q.get("limit", "200")), 5000))
    except ValueError:
        raise ApiError(422, "invalid_body", reason="limit") from None
    found = []
    for t in svc.hall.tickets.values():
        if q.get("number") and t.number != q["number"].upper():
            continue
        if q.get("state") and t.state.value != q["state"]:
            continue
        if q.get("service") and t.service != q["service"]:
            continue
        found.append(t)
    found.sort(key=lambda t: t.place)
    views = [live_ticket_view(svc.hall, t) for t in found[:limit]]
    return answer(p.TicketList(tickets=views))


def _supervised(path: str, summary: str, body: type | None = None) -> Callable[[Handler], Handler]:
    return routes.add(
        "POST",
        path,
        summary=summary,
        tag="supervision",
        body=body,
        answers={200: p.TicketView},
        allow=SUPERVISORS | {"guide"},
        errors=(404, 409),
    )


async def _apply(request: web.Request, command: r.Command) -> web.Response:
    svc = request.app[SERVICE]
    await svc.run(command)
    return answer(live_ticket_view(svc.hall, svc.hall.ticket(request.match_info["id"])))


@_supervised("/api/tickets/{id}/cancel", "Cancel an open ticket")
async def cancel_ticket(request: web.Request, call: Call) -> web.Response:
    return await _apply(request, r.CancelTicket(request.match_info["id"]))


@_supervised("/api/tickets/{id}/reinstate", "Put a no-show back in line within the grace time")
async def reinstate_ticket(request: web.Request, call: Call) -> web.Response:
    return await _apply(request, r.Reinstate(request.match_info["id"]))


@_supervised("/api/tickets/{id}/reassign", "Move a waiting ticket", p.TransferRequest)
async def reassign_ticket(request: web.Request, call: Call) -> web.Response:
    body: p.TransferRequest = call.body
    return await _apply(request, r.Reassign(request.match_info["id"], body.service, body.window))
