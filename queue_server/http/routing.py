"""One table of routes: it installs the handlers and writes the OpenAPI document.

Each route declares its body type, its answers and who may call it. The wrapper
checks the token and decodes the body with those very declarations, and the OpenAPI
document is built from them too, so the document cannot drift from the server.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import msgspec
from aiohttp import web

from onewindow import protocol as p
from queue_server.auth import Principal
from queue_server.http.errors import ApiError
from queue_server.http.keys import SESSIONS

Handler = Callable[[web.Request, "Call"], Awaitable[web.StreamResponse]]
ANYONE_SIGNED_IN = frozenset(
    {"kiosk", "display", "evaluator", "clerk", "guide", "supervisor", "admin"}
)
STAFF = frozenset({"clerk", "guide", "supervisor", "admin"})
SUPERVISORS = frozenset({"supervisor", "admin"})
_ERROR_TEXT = {
    400: "Malformed JSON",
    401: "Missing or bad token",
    403: "Wrong role or wrong window",
    404: "Unknown window or ticket",
    409: "The current state forbids this action",
    413: "Body over 64 KiB",
    422: "Body or value not accepted",
    429: "Too many wrong PINs: locked",
    503: "Storage unavailable; nothing was changed",
}


@dataclass(frozen=True)
class Call:
    """What the wrapper hands a handler: the caller and the decoded body."""

    principal: Principal | None
    body: Any = None


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    handler: Handler
    summary: str
    tag: str
    body: type | None = None
    answers: dict[int, type | None] = field(default_factory=dict)
    allow: frozenset[str] | None = None
    query: dict[str, str] = field(default_factory=dict)
    errors: tuple[int, ...] = ()


_ASCII_NUMBER = re.compile(r"^[0-9]{1,9}$")


def ascii_number(raw: str) -> int | None:
    """A number written in ASCII digits only: `int()` alone would also take ` 5`, `0_5`
    and other scripts' digits (`٥`), so one window could be reached by many addresses."""
    return int(raw) if _ASCII_NUMBER.match(raw) else None


def _service_upper(body: Any) -> Any:
    """Service codes are capitals, but the CLI takes `a` for `A`: so does the API."""
    code = getattr(body, "service", None)
    if isinstance(code, str) and code != code.upper():
        return msgspec.structs.replace(body, service=code.upper())
    return body


def answer(obj: Any, status: int = 200) -> web.Response:
    return web.Response(status=status, body=p.encode(obj), content_type="application/json")


class Routes:
    def __init__(self) -> None:
        self.routes: list[Route] = []

    def add(
        self,
        method: str,
        path: str,
        *,
        summary: str,
        tag: str,
        answers: dict[int, type | None],
        body: type | None = None,
        allow: frozenset[str] | None = ANYONE_SIGNED_IN,
        query: dict[str, str] | None = None,
        errors: tuple[int, ...] = (),
    ) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            self.routes.append(
                Route(
                    method, path, handler, summary, tag, body, answers, allow, query or {}, errors
                )
            )
            return handler

        return register

    def install(self, app: web.Application) -> None:
        for route in self.routes:
            app.router.add_route(route.method, route.path, _wrap(route))

    def openapi(self, title: str, version: str) -> dict[str, Any]:
        types: list[Any] = [p.ErrorBody]
        for route in self.routes:
            types.extend(t for t in (route.body, *route.answers.values()) if t is not None)
        types.extend((*p.EVENT_TYPES, p.Snapshot, p.Heartbeat))
        unique = list(dict.fromkeys(types))
        schemas, components = p.schema_components(unique)
        refs = {t: s for t, s in zip(unique, schemas, strict=True)}
        paths: dict[str, dict[str, Any]] = {}
        for route in self.routes:
            paths.setdefault(route.path, {})[route.method.lower()] = _operation(route, refs)
        return {
            "openapi": "3.1.0",
            "info": {"title": title, "version": version},
            "paths": paths,
            "components": {
                "schemas": components,
                "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            },
        }


def _operation(route: Route, refs: dict[Any, dict[str, Any]]) -> dict[str, Any]:
    op: dict[str, Any] = {
        "operationId": route.handler.__name__,
        "summary": route.summary,
        "tags": [route.tag],
        "responses": {},
    }
    params: list[dict[str, Any]] = [
        {
            "name": n,
            "in": "path",
            "required": True,
            "schema": {"type": "integer" if n == "n" else "string"},
        }
        for n in re.findall(r"{(\w+)}", route.path)
    ]
    params += [
        {
            "name": n,
            "in": "query",
            "required": False,
            "description": d,
            "schema": {"type": "string"},
        }
        for n, d in route.query.items()
    ]
    if params:
        op["parameters"] = params
    if route.allow is not None:
        op["security"] = [{"bearer": []}]
    if route.body is not None:
        op["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": refs[route.body]}},
        }
    for status, kind in route.answers.items():
        resp: dict[str, Any] = {"description": "OK" if status < 300 else str(status)}
        if kind is not None:
            resp["content"] = {"application/json": {"schema": refs[kind]}}
        op["responses"][str(status)] = resp
    errors = set(route.errors)
    if route.body is not None:
        errors |= {400, 413, 422}
    if route.allow is not None:
        errors |= {401, 403}
    for status in sorted(errors):
        op["responses"][str(status)] = {
            "description": _ERROR_TEXT[status],
            "content": {"application/json": {"schema": refs[p.ErrorBody]}},
        }
    return op


def _wrap(route: Route) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    async def handle(request: web.Request) -> web.StreamResponse:
        principal = None
        if route.allow is not None:
            principal = request.app[SESSIONS].identify(request)
            if principal is None:
                raise ApiError(401, "unauthorized")
            if principal.role not in route.allow:
                raise ApiError(403, "forbidden")
        raw_window = request.match_info.get("n")
        # Pages answer a bad window with their own page (a screen is never left blank).
        api = route.path.startswith("/api/")
        if api and raw_window is not None and ascii_number(raw_window) is None:
            raise ApiError(404, "unknown_window", window=raw_window[:8])
        body = None
        if route.body is not None:
            raw = await request.read()
            body = _service_upper(p.decode(raw.strip() or b"{}", route.body))
        return await route.handler(request, Call(principal, body))

    handle.__name__ = route.handler.__name__
    return handle
