"""The district live monitor: the page `/monitor`, its websocket and its JSON snapshot.

A wall screen or a supervisor opens `/monitor?token=...` once (a viewer token: role
supervisor or display). The page answers 303 to the same address without the token and
sets it as an HttpOnly, SameSite=Strict cookie scoped to `/monitor`, so the token never
stays in the address bar, the browser's history or a proxy's log. The page's websocket is
`/monitor/ws` — under the cookie's path, so the browser sends the cookie with it; other
clients give the token as `Authorization: Bearer` or `?token=`.
"""

from __future__ import annotations

import hashlib
import html
import json
from functools import cache
from pathlib import Path
from urllib.parse import urlencode

from aiohttp import web

from central.keys import DISTRICT, MONITOR, TOKENS
from central.routing import VIEWERS, CentralRoutes
from onewindow import i18n
from onewindow.protocol import monitor as pm
from queue_server import auth
from queue_server.http.errors import ApiError
from queue_server.http.routing import Call, answer
from queue_server.sessions import bearer_token

routes = CentralRoutes()
STATIC = Path(__file__).with_name("static") / "monitor"
COOKIE = "onewindow_monitor"
COOKIE_PATH = "/monitor"
# Chromium keeps a cookie at most 400 days; a wall screen must not sign out on its own.
COOKIE_MAX_AGE = 400 * 24 * 3600
PAGE_QUERY = {"token": "a viewer token (moved into a cookie at once)", "lang": "zh or en"}
_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)


def _principal(request: web.Request, token: str | None) -> auth.Principal | None:
    return request.app[TOKENS].get(auth.token_hash(token)) if token else None


def _check(principal: auth.Principal | None) -> str | None:
    """The fault of a caller that may not watch: None for a viewer."""
    if principal is None:
        return "unauthorized"
    return None if principal.role in VIEWERS else "forbidden"


_HTML_LANG = {"zh": "zh-CN", "en": "en"}


def _language(request: web.Request) -> str:
    # Chinese first: English only when asked for, whatever the browser's language.
    return "en" if request.query.get("lang") == "en" else "zh"


@routes.add(
    "GET",
    "/monitor",
    summary="District live monitor page (HTML); ?token= moves to a cookie",
    tag="monitor",
    answers={200: None, 303: None},
    allow=None,
    query=PAGE_QUERY,
)
async def monitor_page(request: web.Request, call: Call) -> web.StreamResponse:
    if "token" in request.query:
        principal = _principal(request, request.query["token"])
        fault = _check(principal)
        if fault is not None:
            return _page(request, fault)
        rest = [(k, v) for k, v in request.query.items() if k != "token"]
        target = COOKIE_PATH + ("?" + urlencode(rest) if rest else "")
        response = web.Response(
            status=303, headers={"Location": target, "Cache-Control": "no-store"}
        )
        response.set_cookie(
            COOKIE,
            request.query["token"],
            path=COOKIE_PATH,
            max_age=COOKIE_MAX_AGE,
            httponly=True,
            samesite="Strict",
            secure=request.secure,
        )
        return response
    return _page(request, _check(_principal(request, request.cookies.get(COOKIE))))


@routes.add(
    "GET",
    "/monitor/ws",
    summary="The monitor's websocket: a snapshot, then what changes",
    tag="monitor",
    answers={101: pm.MonitorMessage},
    allow=None,  # type: ignore[dict-item]
    query={"token": "a viewer token, if neither the cookie nor Authorization carries one"},
    errors=(401, 403),
)
async def monitor_ws(request: web.Request, call: Call) -> web.StreamResponse:
    token = bearer_token(request) or request.cookies.get(COOKIE)
    fault = _check(_principal(request, token))
    if fault is not None:
        raise ApiError(401 if fault == "unauthorized" else 403, fault)
    return await request.app[MONITOR].serve(request)


@routes.add(
    "GET",
    "/api/monitor",
    summary="What the monitor shows, once: tiles, warnings, due cases",
    tag="monitor",
    answers={200: pm.MonitorSnapshot},
    allow=VIEWERS,
    errors=(503,),
)
async def monitor_snapshot(request: web.Request, call: Call) -> web.Response:
    return answer(await request.app[MONITOR].snapshot())


def _page(request: web.Request, fault: str | None) -> web.Response:
    lang = _language(request)
    boot = {
        "lang": lang,
        "centre": request.app[DISTRICT].centre.name,
        "fault": fault,
        "strings": monitor_strings(lang),
    }
    page = _template().replace("__BOOT__", _inline_json(boot)).replace("__LANG__", _HTML_LANG[lang])
    page = page.replace("__TITLE__", html.escape(i18n.text("monitor.title", lang)))
    status = {None: 200, "unauthorized": 401, "forbidden": 403}[fault]
    if fault is not None:
        # In the page itself, so the reason shows even before (or without) the script.
        lines = [i18n.text(f"monitor.fault_{fault}", lg) for lg in ("zh", "en")]
        shown = "".join(f"<p>{html.escape(line)}</p>" for line in lines)
        page = page.replace('<div id="fault" hidden></div>', f'<div id="fault">{shown}</div>')
    return web.Response(
        status=status,
        text=page,
        content_type="text/html",
        headers={"Cache-Control": "no-store", "Content-Security-Policy": _CSP},
    )


def monitor_strings(lang: str) -> dict[str, str]:
    """The `monitor.*` strings of one language, without the prefix."""
    return {
        key.removeprefix("monitor."): value
        for key, value in i18n.catalogue(lang).items()
        if key.startswith("monitor.")
    }


def _inline_json(data: object) -> str:
    """JSON inside a <script> element: `<` escaped so no string can close the element."""
    return json.dumps(data, ensure_ascii=False).replace("<", "\\u003c")


@cache
def _version() -> str:
    digest = hashlib.sha256()
    for path in sorted(STATIC.glob("*.[jc]s*")):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:10]


@cache
def _template() -> str:
    return (STATIC / "monitor.html").read_text(encoding="utf-8").replace("__V__", _version())


def install_static(app: web.Application) -> None:
    # Versioned by content (`?v=`), so a wall screen never runs a stale script.
    app.router.add_static("/static/monitor/", STATIC)
