"""The visitor-facing intake pages: the window's evaluator and the public progress query.

`/rate/window/<n>?token=…` is the rating tablet (好差评) at window n. Like the hall
screens it is opened once with its device token and kept open; the server hands out
a shell with the strings of both languages and, when the address is wrong (no token,
a bad one, a token of another window or role, no such window), the fault written
into the page itself, so the tablet never shows a blank page. `rate.js` follows
`/api/ws` and lights up when the window finishes serving a ticket.

`/progress` is public: a form for the case number (prefilled from `?case_no=`, as
the QR on the printed slips opens it) and the last 4 phone digits, posted back to
`/progress` and answered by the server itself: no script, and the digits never go
into an address, a history or a log line. It shows the state and dates of the case,
and for a returned case what is missing; every wrong pair gets the same "not found",
and the query is rate-limited per address by the very code behind `/api/progress`.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from urllib.parse import urlencode

from aiohttp import web

from onewindow import case_numbers, i18n
from onewindow import protocol as p
from onewindow.config import WindowConfig
from queue_server import rules
from queue_server.http.keys import INTAKE, SERVICE, SESSIONS
from queue_server.http.pages import PRIVATE, PageAssets, html_response, inline_json, page_language
from queue_server.http.routing import Call, Routes, ascii_number
from queue_server.store.storage import StorageError

routes = Routes()
ASSETS = PageAssets("intake")
LIT_SECONDS = 120  # a lit evaluator nobody touches goes back to idle after this long
_HEADERS = {
    **PRIVATE,
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'",
}
_LANG_QUERY = {"lang": "zh or en (default: the browser's language)"}


def _strings(area: str, lang: str) -> dict[str, str]:
    prefix = f"{area}."
    return {k[len(prefix) :]: v for k, v in i18n.catalogue(lang).items() if k.startswith(prefix)}


# -- the evaluator --


@routes.add(
    "GET",
    "/rate/window/{n}",
    summary="Evaluator tablet at window n: rate the service (HTML)",
    tag="pages",
    answers={200: None},
    allow=None,
    errors=(401, 403, 404),
    query={"token": "the window's evaluator device token", **_LANG_QUERY},
)
async def rate_page(request: web.Request, call: Call) -> web.Response:
    raw = request.match_info["n"]
    number = ascii_number(raw) if len(raw) <= 4 else None
    window = request.app[SERVICE].config.window(number) if number is not None else None
    status, fault, owner = _rate_fault(request, window)
    shown = str(number) if number is not None else raw[:8]
    # A tablet fixed to a window speaks the hall's language unless its address says
    # otherwise; the browser's own language is a property of the device, not the visitor.
    lang = page_language(request, request.query.get("lang") or i18n.DEFAULT)
    strings = {code: _strings("rate", code) for code in i18n.LANGUAGES}
    boot = {
        "window": number,
        "window_name": window.name if window else "",
        "lang": lang,
        "fault": fault,
        "owner": owner,
        "lit_s": LIT_SECONDS,
        "strings": strings,
    }
    s, esc = strings[lang], html.escape
    values = {k: esc(v) for k, v in s.items()} | {
        "lang": "en" if lang == "en" else "zh-CN",
        "title": esc(s["title"].format(window=shown)),
        "window_title": esc(s["window_title"].format(window=shown)),
        "window_name": esc(window.name if window and lang == "zh" else ""),
        "boot": inline_json(boot),
        "v": ASSETS.version,
        "fault": "",
        "fault_hidden": "hidden",
    }
    if fault is not None:
        # Written into the page, so staff read it even before (or without) the script.
        lines = [i18n.text(f"rate.{fault}", c, window=shown, owner=owner) for c in ("zh", "en")]
        values |= {"fault": "".join(f"<p>{esc(line)}</p>" for line in lines), "fault_hidden": ""}
    return _respond(status, ASSETS.fill("rate.html", values))


def _rate_fault(
    request: web.Request, window: WindowConfig | None
) -> tuple[int, str | None, int | None]:
    """(status, what is wrong with the address, the token's own window when it has another)."""
    if window is None:
        return 404, "unknown_window", None
    if not request.query.get("token"):
        return 401, "token_missing", None
    who = request.app[SESSIONS].identify(request)
    if who is None:
        return 401, "token_wrong", None
    if who.role != "evaluator":
        return 403, "not_evaluator", None
    if who.window is None:
        return 403, "unbound", None  # it could rate nothing: say so before a visitor taps
    if who.window is not None and who.window != window.number:
        return 403, "other_window", who.window
    return 200, None, None


# -- the progress query --


@routes.add(
    "GET",
    "/progress",
    summary="Case progress query form; ?case_no= prefills it (HTML)",
    tag="pages",
    answers={200: None},
    allow=None,
    query={
        "case_no": "the case number (HZ202612040001), as the slips' QR code gives it",
        **_LANG_QUERY,
    },
)
async def progress_form(request: web.Request, call: Call) -> web.Response:
    lang = page_language(request)
    case_no = case_numbers.normalise(request.query.get("case_no", ""))
    return _progress_page(request, lang, case_no or "", "")


@routes.add(
    "POST",
    "/progress",
    summary="Case progress answer: form fields case_no, phone4, lang (HTML)",
    tag="pages",
    answers={200: None},
    allow=None,
    errors=(404, 422, 429),
)
async def progress_answer(request: web.Request, call: Call) -> web.Response:
    try:
        form = await request.post()
    except (ValueError, UnicodeDecodeError, web.HTTPBadRequest):
        # A form the parser cannot read (multipart without a boundary, bad encoding)
        # is the sender's mistake: say so on the page, never a 500.
        lang = page_language(request)
        return _progress_page(request, lang, "", _error(lang, "bad_form"), 400)
    typed, phone4 = str(form.get("case_no", "")).strip(), str(form.get("phone4", "")).strip()
    lang = page_language(request, str(form.get("lang", "")))
    # A malformed entry is told at once and not counted: it cannot match any case.
    case_no = case_numbers.normalise(typed)
    if case_no is None:
        shown = typed[: case_numbers.MAX_TYPED]
        return _progress_page(request, lang, shown, _error(lang, "bad_case_no"), 422)
    if not _PHONE4.match(phone4):
        return _progress_page(request, lang, case_no, _error(lang, "bad_phone4"), 422)
    try:
        view = await request.app[INTAKE].progress(case_no, phone4, request.remote or "?")
    except rules.NotFound:
        return _progress_page(request, lang, case_no, _error(lang, "not_found"), 404)
    except rules.Unavailable:
        return _progress_page(request, lang, case_no, _error(lang, "district.unavailable"), 503)
    except rules.Limited as e:
        minutes = e.detail.get("minutes", "")
        return _progress_page(request, lang, case_no, _error(lang, "limited", minutes=minutes), 429)
    except StorageError:
        return _progress_page(request, lang, case_no, _error(lang, "unavailable"), 503)
    return _progress_page(request, lang, case_no, _answer(request, view, lang))


_PHONE4 = re.compile(r"^[0-9]{4}$")


def _progress_page(
    request: web.Request, lang: str, case_no: str, answer: str, status: int = 200
) -> web.Response:
    s, esc = _strings("progress", lang), html.escape
    other = "en" if lang == "zh" else "zh"
    known = case_numbers.normalise(case_no)
    query = {"lang": other, **({"case_no": known} if known else {})}
    values = {k: esc(v) for k, v in s.items()} | {
        "lang": "en" if lang == "en" else "zh-CN",
        "lang_code": lang,
        "hall": esc(request.app[SERVICE].config.hall.name),
        "other_href": esc(f"/progress?{urlencode(query)}"),
        "case_no_value": esc(case_no),
        "answer": answer,
        "v": ASSETS.version,
    }
    return _respond(status, ASSETS.fill("progress.html", values))


def _error(lang: str, key: str, **values: object) -> str:
    message = i18n.text(f"progress.{key}", lang, **values)
    return f'<p class="answer problem" id="answer" role="alert">{html.escape(message)}</p>'


def _answer(request: web.Request, view: p.ProgressView, lang: str) -> str:
    """The case's state and dates as a definition list; nothing about a person."""
    t, esc = i18n.text, html.escape
    tz = request.app[SERVICE].config.hall.tz
    item = view.item_name_en if lang == "en" and view.item_name_en else view.item_name_zh
    hall = view.hall_name_en if lang == "en" and view.hall_name_en else view.hall_name_zh
    left = view.remaining_workdays
    rows = [
        ("case_no", view.case_no),
        ("district.hall", hall or ""),
        ("item", item),
        ("accepted_at", _day(view.accepted_at, tz)),
        ("deadline", _day(view.deadline, tz)),
        ("district.remaining", "" if left is None else t("progress.district.days", lang, n=left)),
        ("decided_at", _day(view.decided_at, tz)),
        ("issued_at", _day(view.issued_at, tz)),
    ]
    facts = "".join(
        f'<div class="{key.replace(".", "-")}"><dt>{esc(t(f"progress.{key}", lang))}</dt>'
        f"<dd>{esc(value)}</dd></div>"
        for key, value in rows
        if value
    )
    missing = ""
    if view.state == "returned" and view.missing:
        names = "".join(f"<li>{esc(name)}</li>" for name in view.missing)
        missing = (
            f'<p class="lead">{esc(t("progress.missing", lang))}</p><ol id="missing">{names}</ol>'
        )
    state = esc(t(f"progress.states.{view.state}", lang))
    return (
        f'<section class="answer state-{esc(view.state)}" id="answer">'
        f'<p class="state" id="state">{state}</p><dl class="facts">{facts}</dl>{missing}</section>'
    )


def _day(value: dt.datetime | dt.date | None, tz: dt.tzinfo) -> str:
    if isinstance(value, dt.datetime):
        return value.astimezone(tz).date().isoformat()
    return value.isoformat() if value else ""


# -- shared --


def _respond(status: int, page: str) -> web.Response:
    return html_response(status, page, _HEADERS)
