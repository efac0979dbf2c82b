"""The centre's route table: the hall server's `Routes` with the centre's own tokens.

A token is a hall's uplink token (it may write that hall's stream only) or a viewer's
(a district supervisor or a monitor screen: it may read every hall's figures).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from central.config import DistrictConfig
from central.keys import TOKENS
from onewindow import protocol as p
from queue_server import auth
from queue_server.http.errors import ApiError
from queue_server.http.routing import Call, Route, Routes
from queue_server.sessions import bearer_token

HALLS = frozenset({"hall"})
VIEWERS = frozenset({"supervisor", "display"})


def token_table(config: DistrictConfig) -> dict[str, auth.Principal]:
    """Tokens by their hash, so a lookup never compares a secret byte by byte."""
    table = {
        auth.token_hash(h.token): auth.Principal(kind="hall", role="hall", name=h.code)
        for h in config.halls
    }
    for v in config.viewers:
        table[auth.token_hash(v.token)] = auth.Principal(kind="viewer", role=v.role, name=v.name)
    return table


class CentralRoutes(Routes):
    def install(self, app: web.Application) -> None:
        for route in self.routes:
            app.router.add_route(route.method, route.path, _wrap(route))


def _wrap(route: Route) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    async def handle(request: web.Request) -> web.StreamResponse:
        principal = None
        if route.allow is not None:
            token = bearer_token(request)
            principal = request.app[TOKENS].get(auth.token_hash(token)) if token else None
            if principal is None:
                raise ApiError(401, "unauthorized")
            if principal.role not in route.allow:
                raise ApiError(403, "forbidden")
        body: Any = None
        if route.body is not None:
            raw = await request.read()
            body = p.decode(raw.strip() or b"{}", route.body)
        return await route.handler(request, Call(principal, body))

    handle.__name__ = route.handler.__name__
    return handle
