"""The centre's routes: a hall's uplink writes its stream, viewers read the figures."""

from __future__ import annotations

import datetime as dt
import re

from aiohttp import web

from central import cases, figures, reports, store
from central.errors import error_response
from central.keys import CASES, DISTRICT, MONITOR, OPENAPI, POOL
from central.routing import HALLS, VIEWERS, CentralRoutes
from onewindow import case_numbers, i18n
from onewindow.protocol import district as pd
from queue_server.http.errors import ApiError
from queue_server.http.routing import Call, answer
from queue_server.reports import Period, PeriodError, parse_period

routes = CentralRoutes()


def _check_order(batch: pd.EventBatch) -> None:
    previous = 0
    for event in batch.events:
        if event.seq <= previous:
            raise ApiError(422, "batch_out_of_order", seq=event.seq)
        previous = event.seq


@routes.add(
    "POST",
    "/api/halls/{code}/events",
    summary="A hall's uplink delivers events in seq order",
    tag="uplink",
    body=pd.EventBatch,
    answers={200: pd.AckView},
    allow=HALLS,
    errors=(503,),
)
async def ingest(request: web.Request, call: Call) -> web.Response:
    code = request.match_info["code"]
    assert call.principal is not None
    if call.principal.name != code:
        raise ApiError(403, "wrong_hall", hall=code)
    batch: pd.EventBatch = call.body
    _check_order(batch)
    tz = request.app[DISTRICT].centre.tz
    acked = await store.ingest(request.app[POOL], code, batch, tz)
    request.app[MONITOR].notify(code)  # committed: the open monitors may show it
    return answer(pd.AckView(acked=acked))


@routes.add(
    "GET",
    "/api/halls",
    summary="Every hall with its live figures",
    tag="district",
    answers={200: pd.HallList},
    allow=VIEWERS,
    errors=(503,),
)
async def halls(request: web.Request, call: Call) -> web.Response:
    config = request.app[DISTRICT]
    now = dt.datetime.now(config.centre.tz)
    codes = [h.code for h in config.halls]
    found = await figures.hall_figures(request.app[POOL], config, now, codes)
    return answer(pd.HallList(at=now, halls=found))


@routes.add(
    "GET",
    "/api/halls/{code}",
    summary="One hall's figures and its windows",
    tag="district",
    answers={200: pd.HallDetail},
    allow=VIEWERS,
    errors=(404, 503),
)
async def hall(request: web.Request, call: Call) -> web.Response:
    config = request.app[DISTRICT]
    code = request.match_info["code"]
    if config.hall(code) is None:
        raise ApiError(404, "unknown_hall", hall=code)
    now = dt.datetime.now(config.centre.tz)
    pool = request.app[POOL]
    (found,) = await figures.hall_figures(pool, config, now, [code])
    windows = await figures.hall_windows(pool, code)
    return answer(pd.HallDetail(at=now, hall=found, windows=windows))


def period_of(query: dict[str, str], lang: str, today: dt.date) -> Period:
    """`?month=`, `?day=` or `?from=&to=` (none: today); a bad one is a 400 that says why."""
    try:
        found = parse_period(
            query.get("day"), query.get("month"), query.get("from"), query.get("to")
        )
    except PeriodError as e:
        reason = i18n.text(f"reports.errors.{e.code}", lang, **e.detail)
        raise ApiError(400, "bad_period", reason=reason) from None
    return found or Period.day(today)


@routes.add(
    "GET",
    "/api/reports",
    tag="district",
    summary="District report of a month (?month=YYYY-MM), a day (?day=) or a range "
    "(?from=&to=): a row per hall equal to that hall's own report, and the district's row",
    answers={200: pd.DistrictReport},
    allow=frozenset({"supervisor"}),
    errors=(400, 503),
    query={
        "month": "YYYY-MM",
        "day": "YYYY-MM-DD",
        "from": "YYYY-MM-DD (with to)",
        "to": "YYYY-MM-DD (with from)",
    },
)
async def district_report(request: web.Request, call: Call) -> web.Response:
    config = request.app[DISTRICT]
    now = dt.datetime.now(config.centre.tz)
    lang = i18n.pick_language(request.headers.get("Accept-Language"))
    period = period_of(dict(request.query), lang, now.date())
    return answer(await reports.district_report(request.app[POOL], config, period, now))


@routes.add(
    "GET",
    "/api/cases/{case_no}",
    summary="A case of any hall: state, item, hall, deadline, days left (no personal data)",
    tag="district",
    answers={200: pd.DistrictCaseView},
    allow=HALLS,
    errors=(404, 422, 429, 503),
    query={"proof": "HMAC-SHA256(proof_key, case_no|last 4 phone digits), 64 hex digits"},
)
async def case_progress(request: web.Request, call: Call) -> web.Response:
    assert call.principal is not None
    case_no = case_numbers.normalise(request.match_info["case_no"])
    proof = request.query.get("proof", "")
    if not _PROOF.match(proof):
        raise ApiError(422, "bad_proof")
    try:
        found = None
        if case_no is not None:
            found = await request.app[CASES].find(
                request.app[POOL], call.principal.name, case_no, proof
            )
    except cases.Limited as e:
        response = error_response(request, 429, "case_query_limited", {"minutes": e.retry_s // 60})
        response.headers["Retry-After"] = str(e.retry_s)
        return response
    if found is None:
        raise ApiError(404, "case_not_found")
    return answer(found)


_PROOF = re.compile(r"^[0-9a-f]{64}$")


@routes.add(
    "GET",
    "/api/openapi.json",
    summary="This document",
    tag="district",
    answers={200: None},
    allow=None,
)
async def openapi(request: web.Request, call: Call) -> web.Response:
    return web.json_response(request.app[OPENAPI])
