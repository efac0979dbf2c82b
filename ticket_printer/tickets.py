"""The queue ticket and the special-call ticket (特呼号) as printable documents.

A ticket slip says: the hall, the service, a big number, people ahead, the
estimated wait, the time, a QR code that opens the ticket's live status page
(`<public URL>/t/<ticket id>`) and a short notice. A special-call ticket also says
which windows to go to. Nothing about the visitor is on either: tickets carry none.
"""

from __future__ import annotations

import math

from onewindow import i18n
from onewindow.config import Config
from onewindow.protocol import TicketView
from ticket_printer.document import QR, Block, Document, Feed, Pair, Rule, Text

# The number is what a visitor reads across the hall: as large as the paper allows.
NUMBER_SIZE = {80: 4, 58: 3}
SERVING_ROLES = ("acceptance", "specialist")


def public_base(config: Config, server_url: str) -> str:
    """Where phones reach the server: `[server] public_url`, else the URL we use."""
    return (config.server.public_url or server_url).rstrip("/")


def status_url(base: str, ticket: TicketView) -> str:
    return f"{base.rstrip('/')}/t/{ticket.id}"


def service_name(config: Config, code: str, lang: str) -> str:
    s = config.service(code)
    if s is None:
        return code
    return s.name_en if lang == "en" else s.name_zh


def windows_for(config: Config, ticket: TicketView) -> list[int]:
    """The windows where `ticket` will be called: its named window, else those serving it."""
    if ticket.target_window is not None:
        return [ticket.target_window]
    return sorted(
        w.number for w in config.windows if ticket.service in w.services and w.role in SERVING_ROLES
    )


def window_ranges(numbers: list[int], lang: str) -> str:
    """[5, 6, 7, 8, 16, 18] → "5-8、16、18" (zh) or "5-8, 16, 18" (en)."""
    parts: list[str] = []
    start = prev = None
    for n in [*sorted(numbers), None]:
        if start is not None and prev is not None and n == prev + 1:
            prev = n
            continue
        if start is not None and prev is not None:
            parts.append(str(start) if start == prev else f"{start}-{prev}")
        start = prev = n
    return ("、" if lang != "en" else ", ").join(parts)


def wait_text(seconds: int | None, lang: str) -> str:
    if not seconds:
        return i18n.text("printer.ticket.wait_soon", lang)
    return i18n.text("printer.ticket.wait_minutes", lang, minutes=math.ceil(seconds / 60))


def _heading(config: Config, ticket: TicketView, lang: str, width_mm: int) -> list[Block]:
    blocks: list[Block] = [
        Text(config.hall.name, align="center", bold=True),
        Feed(),
        Text(service_name(config, ticket.service, lang), size=2, align="center", bold=True),
    ]
    if ticket.kind != "normal":
        blocks.append(Text(i18n.text(f"printer.ticket.kind_{ticket.kind}", lang), align="center"))
    blocks.append(Text(ticket.number, size=NUMBER_SIZE[width_mm], align="center", bold=True))
    return blocks


def _facts(config: Config, ticket: TicketView, lang: str) -> list[Block]:
    t = i18n.text
    issued = ticket.issued_at.astimezone(config.hall.tz).strftime("%Y-%m-%d %H:%M")
    blocks: list[Block] = [Rule()]
    if ticket.people_ahead is not None:
        ahead = t("printer.ticket.people", lang, count=ticket.people_ahead)
        blocks.append(Pair(t("printer.ticket.ahead", lang), ahead))
    if ticket.state == "waiting":
        wait = wait_text(ticket.estimated_wait_s, lang)
        blocks.append(Pair(t("printer.ticket.wait", lang), wait))
    blocks.append(Pair(t("printer.ticket.issued", lang), issued))
    return blocks


def _tail(config: Config, ticket: TicketView, lang: str, base: str) -> list[Block]:
    t = i18n.text
    blocks: list[Block] = [
        Rule(),
        QR(status_url(base, ticket), t("printer.ticket.scan", lang)),
        Rule(),
    ]
    if config.hall.notice:
        blocks.append(Text(config.hall.notice))
    blocks.append(Text(t("printer.ticket.notice", lang)))
    return blocks


def ticket_document(
    config: Config,
    ticket: TicketView,
    base_url: str,
    lang: str = "zh",
    width_mm: int | None = None,
) -> Document:
    """The slip for a ticket from the kiosk or the command line."""
    width = width_mm or config.printer.width_mm
    blocks = [
        *_heading(config, ticket, lang, width),
        *_facts(config, ticket, lang),
        *_tail(config, ticket, lang, base_url),
    ]
    return Document(tuple(blocks), name=ticket.number)


def special_document(
    config: Config,
    ticket: TicketView,
    base_url: str,
    lang: str = "zh",
    width_mm: int | None = None,
) -> Document:
    """The slip for a special-call ticket: where to go, and that it is called first."""
    t = i18n.text
    width = width_mm or config.printer.width_mm
    windows = windows_for(config, ticket)
    where = (
        t("printer.special.go_to", lang, windows=window_ranges(windows, lang))
        if windows
        else t("printer.special.go_to_any", lang)
    )
    blocks = [
        *_heading(config, ticket, lang, width),
        Text(where, size=2 if len(windows) == 1 else 1, align="center", bold=True),
        Text(t("printer.special.called_first", lang), align="center"),
        *_facts(config, ticket, lang),
        *_tail(config, ticket, lang, base_url),
    ]
    return Document(tuple(blocks), name=ticket.number)
