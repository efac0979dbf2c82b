"""The hall screen (`/display/hall`) and the window screen (`/display/window/<n>`).

A TV opens the page once with its device token in the URL and keeps it open for days.
The server only hands out the HTML shell with what the page needs inline — the
screen strings of both languages from the catalogue, the window number, and a fault
(missing or wrong token, unknown window) to show instead of a blank screen. The page's
own JS then reads `/api/state` and follows `/api/ws` with the same token.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
from functools import cache

from aiohttp import web

from onewindow import i18n
from queue_server.http.keys import SERVICE, SESSIONS
from queue_server.http.pages import PageAssets, inline_json
from queue_server.http.routing import Call, Routes, ascii_number

routes = Routes()
PAGES = PageAssets("display", versioned="*")
PAGE_QUERY = {
    "token": "the screen's device token",
    "lang": "zh, en or both: overrides the hall's [display].language",
    "voice": "1 or 0: announce calls (hall screen: on, window screen: off by default)",
}


@routes.add(
    "GET",
    "/display/hall",
    summary="Hall screen: latest calls, waiting per service (HTML)",
    tag="pages",
    answers={200: None},
    allow=None,
    query=PAGE_QUERY,
)
async def hall_page(request: web.Request, call: Call) -> web.Response:
    return _page(request, "hall", None)


@routes.add(
    "GET",
    "/display/window/{n}",
    summary="Window screen: the number served there (HTML)",
    tag="pages",
    answers={200: None},
    allow=None,
    query=PAGE_QUERY,
)
async def window_page(request: web.Request, call: Call) -> web.Response:
    raw = request.match_info["n"]
    number = ascii_number(raw) if len(raw) <= 4 else None
    if number is None or number not in request.app[SERVICE].hall.windows:
        return _page(request, "window", number, fault="unknown_window", shown=raw[:8])
    return _page(request, "window", number)


def _page(
    request: web.Request,
    kind: str,
    window: int | None,
    *,
    fault: str | None = None,
    shown: str = "",
) -> web.Response:
    status = 200
    if fault is not None:
        status = 404
    elif request.query.get("token", "") == "":
        fault, status = "token_missing", 401
    elif request.app[SESSIONS].identify(request) is None:
        fault, status = "token_wrong", 401
    boot = {
        "page": kind,
        "window": window,
        "shown": shown or (str(window) if window is not None else ""),
        "fault": fault,
        "lang": request.query.get("lang", ""),
        "voice": request.query.get("voice", ""),
        "strings": {lang: screen_strings(lang) for lang in i18n.LANGUAGES},
    }
    page = _template(kind).replace("__BOOT__", inline_json(boot))
    if fault is not None:
        # Written into the page itself, so the message shows even before (or without) JS.
        lines = [i18n.text(f"display.{fault}", lang, window=boot["shown"]) for lang in ("zh", "en")]
        shown = "".join(f"<p>{html.escape(line)}</p>" for line in lines)
        page = page.replace('<div id="fault" hidden></div>', f'<div id="fault">{shown}</div>')
    return web.Response(
        status=status,
        text=page,
        content_type="text/html",
        # The shell is tiny and must follow upgrades; the versioned assets may be cached.
        headers={"Cache-Control": "no-store", "Content-Security-Policy": _csp()},
    )


def screen_strings(lang: str) -> dict[str, str]:
    """The `display.*` strings of one language, without the area prefix."""
    return {
        key.removeprefix("display."): value
        for key, value in i18n.catalogue(lang).items()
        if key.startswith("display.")
    }


@cache
def _template(kind: str) -> str:
    text = PAGES.template(f"{kind}.html")
    return text.replace("__IMPORTMAP__", _import_map()).replace("__V__", PAGES.version)


def _import_map() -> str:
    """Versioned URLs for the modules the page scripts import by relative path."""
    return f'<script type="importmap">{_import_map_json()}</script>'


@cache
def _import_map_json() -> str:
    base = "/static/display/"
    imports = {base + p.name: f"{base}{p.name}?v={PAGES.version}" for p in PAGES.dir.glob("*.js")}
    return json.dumps({"imports": imports})


@cache
def _csp() -> str:
    """The inline import map is allowed by its hash: no inline script runs otherwise."""
    digest = base64.b64encode(hashlib.sha256(_import_map_json().encode()).digest()).decode()
    return (
        f"default-src 'self'; script-src 'self' 'sha256-{digest}'; style-src 'self'; "
        "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
        "frame-ancestors 'none'"
    )
