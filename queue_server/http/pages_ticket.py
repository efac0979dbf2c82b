"""The live ticket status page behind the QR code on a ticket: `/t/<ticket id>`.

A visitor's phone opens it from the QR code and keeps it open while waiting. The
server renders the ticket's current state into the page (so it reads right even
before or without JS) with the strings of the visitor's language; `status.js`
then polls the public `GET /api/tickets/{id}` and updates it, and draws attention
when the number is called.

Only the opaque, unguessable ticket id opens a ticket: a ticket number (`A012`)
or a made-up id gets the same "not found" page, so the page cannot be used to
walk through other people's tickets. It shows the number, service, state, people
ahead, estimated wait and window — never anything about a person — and asks
browsers not to cache it, index it, or pass its address on as a referrer.
"""

from __future__ import annotations

import html
import math
import re

import msgspec
from aiohttp import web

from onewindow import i18n
from onewindow.protocol import TicketView
from queue_server.http.keys import SERVICE
from queue_server.http.pages import PRIVATE, PageAssets, html_response, inline_json
from queue_server.http.routing import Call, Routes
from queue_server.views import live_ticket_view

routes = Routes()
ASSETS = PageAssets("ticket")
POLL_MS = 4000
_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_HEADERS = {
    **PRIVATE,
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; "
    "img-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
}


@routes.add(
    "GET",
    "/t/{id}",
    summary="Live status page of one ticket, behind its QR code (HTML)",
    tag="pages",
    answers={200: None},
    allow=None,
    errors=(404,),
    query={"lang": "zh or en (default: the browser's language)"},
)
async def ticket_page(request: web.Request, call: Call) -> web.Response:
    lang = request.query.get("lang") or i18n.pick_language(request.headers.get("Accept-Language"))
    lang = lang if lang in i18n.LANGUAGES else i18n.DEFAULT
    svc = request.app[SERVICE]
    raw = request.match_info["id"]
    ticket = svc.hall.tickets.get(raw) if _ID.match(raw) else None
    if ticket is None:
        return _respond(404, _render(lang, None, svc.config.hall.name, {}))
    view = live_ticket_view(svc.hall, ticket)
    names = {s.code: s.name_en if lang == "en" else s.name_zh for s in svc.config.services}
    tz = svc.config.hall.timezone
    return _respond(200, _render(lang, view, svc.config.hall.name, names, tz))


def _respond(status: int, page: str) -> web.Response:
    return html_response(status, page, _HEADERS)


def strings(lang: str) -> dict[str, str]:
    """The `status.*` strings of one language, without the area prefix."""
    prefix = "status."
    return {k[len(prefix) :]: v for k, v in i18n.catalogue(lang).items() if k.startswith(prefix)}


def state_line(t: TicketView, lang: str) -> str:
    return i18n.text(f"status.state_{t.state}", lang, window=t.window or "")


def facts(t: TicketView, lang: str) -> tuple[str, str]:
    """(people ahead, estimated wait) as shown, or empty strings once not waiting."""
    if t.state != "waiting" or t.people_ahead is None:
        return "", ""
    ahead = i18n.text("status.people", lang, count=t.people_ahead)
    if not t.estimated_wait_s:
        return ahead, i18n.text("status.wait_soon", lang)
    return ahead, i18n.text("status.wait_minutes", lang, minutes=math.ceil(t.estimated_wait_s / 60))


def _render(
    lang: str, t: TicketView | None, hall: str, names: dict[str, str], tz: str = "Asia/Shanghai"
) -> str:
    s, esc = strings(lang), html.escape
    other = "en" if lang == "zh" else "zh"
    values = {
        "lang": "en" if lang == "en" else "zh-CN",
        "hall": esc(hall),
        "other_href": f"?lang={other}",
        "other_label": esc(s["other_language"]),
        "v": ASSETS.version,
        "poll": str(POLL_MS),
    }
    if t is None:
        values |= {"title": esc(s["gone_title"]), "body": f'<p class="gone">{esc(s["gone"])}</p>'}
        return ASSETS.fill("gone.html", values)
    ahead, wait = facts(t, lang)
    kind = s.get(f"kind_{t.kind}", "") if t.kind != "normal" else ""
    # The page's clock is the hall's (24-hour, hall time zone), not the phone's.
    boot = {"strings": s, "services": names, "ticket": msgspec.to_builtins(t), "tz": tz}
    values |= {
        "title": esc(f"{t.number} · {s['title']}"),
        "id": esc(t.id),
        "state": esc(t.state),
        "service": esc(names.get(t.service, t.service)),
        "kind": esc(kind),
        "number": esc(t.number),
        "state_line": esc(state_line(t, lang)),
        "ahead": esc(ahead),
        "wait": esc(wait),
        "boot": inline_json(boot),
    }
    return ASSETS.fill("status.html", {**{k: esc(v) for k, v in s.items()}, **values})
