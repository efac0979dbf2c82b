"""Report route: the figures of a day, a month or a range (today, live, by default)."""

from __future__ import annotations

import asyncio

from aiohttp import web

from onewindow import i18n
from onewindow import protocol as p
from queue_server.http.keys import CONFIG, INTAKE, SERVICE
from queue_server.http.routing import SUPERVISORS, Call, Routes, answer
from queue_server.reports import Period, PeriodError, parse_period

routes = Routes()


def _refusal(request: web.Request, e: PeriodError) -> web.Response:
    lang = i18n.pick_language(request.headers.get("Accept-Language"))
    message = i18n.text(f"reports.errors.{e.code}", lang, **e.detail)
    body = p.ErrorBody(error=p.ErrorDetail(code=e.code, message=message))
    return web.Response(status=422, body=p.encode(body), content_type="application/json")


@routes.add(
    "GET",
    "/api/reports",
    summary="Report figures (docs/reports.md); today, live, by default",
    tag="reports",
    answers={200: p.Report},
    allow=SUPERVISORS,
    errors=(422,),
    query={
        "day": "YYYY-MM-DD",
        "month": "YYYY-MM",
        "from": "YYYY-MM-DD (with to)",
        "to": "YYYY-MM-DD (with from)",
    },
)
async def report(request: web.Request, call: Call) -> web.Response:
    q = request.query
    try:
        period = parse_period(q.get("day"), q.get("month"), q.get("from"), q.get("to"))
    except PeriodError as e:
        return _refusal(request, e)
    from queue_server.reports.figures import compute  # numpy: loaded on the first report

    service = request.app[SERVICE]
    now = service.clock.now()
    live = period is None
    if period is None:
        period = Period.day(service.rules.business_day(now))
    # Its own connections on worker threads: a month's figures never hold up the hall.
    figures = await asyncio.to_thread(
        compute,
        service.storage.path,
        request.app[CONFIG],
        period,
        as_of=now,
        live=live,
        catalogue=request.app[INTAKE].catalogue,
    )
    return answer(figures)
