"""`GET /api/uplink`: how far the district centre holds this hall's event log."""

from __future__ import annotations

from aiohttp import web

from onewindow.protocol import district as pd
from queue_server.http.routing import SUPERVISORS, Call, Routes, answer
from queue_server.uplink import UPLINK

routes = Routes()


@routes.add(
    "GET",
    "/api/uplink",
    summary="The uplink to the district centre: acked seq, backlog, errors",
    tag="hall",
    answers={200: pd.UplinkStatus},
    allow=SUPERVISORS,
)
async def uplink_status(request: web.Request, call: Call) -> web.Response:
    if UPLINK not in request.app:
        return answer(pd.UplinkStatus(configured=False))
    return answer(await request.app[UPLINK].status())
