"""The two slips a case prints at the window: the one-time notice and the acceptance receipt.

For the clerk terminal::

    from ticket_printer.intake_slips import print_notice, print_receipt

    # the case came back `returned`: everything still missing, once (一次性告知单)
    outcome = print_notice(config, case, item, desk=5, server_url=client.base_url)
    # the case was `accepted` (or an immediate item `issued`): the receipt (受理回执)
    outcome = print_receipt(config, case, item, desk=5, server_url=client.base_url)
    if not outcome.ok:
        show(outcome.message(lang))     # the case is stored all the same; call again to reprint

    # print_notice(config: Config, case: CaseView, item: CatalogueItemView, *,
    #              desk: int | None = None, server_url: str = "", lang: str = "zh",
    #              now: datetime | None = None) -> PrintOutcome
    # print_receipt(...same...) -> PrintOutcome

Like `ticket_printer.desk`, they print on window `desk`'s own printer (`[[windows]]
printer`, else `[printer]`), block for up to a few times `[printer] timeout_s` and
never raise: run them in a thread worker (`await asyncio.to_thread(print_notice, ...)`).
`notice_document` / `receipt_document` build the same slips without printing.

The QR code on both opens `<public URL>/progress?case_no=<case number>` (the public
URL is `[server] public_url`, else `server_url`, else the `[server]` host and port).

Nothing about the applicant is printed, not even the masked name staff lists show:
a slip can be left on a counter or dropped in the hall, and the case number alone
opens nothing (progress also needs the last 4 digits of the phone, which is not on
the slip). The visitor knows who they are; the slip only has to name the case.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from onewindow import i18n
from onewindow.config import Config
from onewindow.protocol import CaseView, CatalogueItemView, MaterialView
from ticket_printer.desk import desk_printer
from ticket_printer.document import COLUMNS, QR, Block, Document, Feed, Pair, Rule, Text, wrap
from ticket_printer.output import Printer, PrintOutcome
from ticket_printer.tickets import public_base

INDENT = "   "  # under a numbered material, so its note reads as part of it


def progress_url(base: str, case_no: str | None) -> str:
    """The progress page, with the case number filled in when the case has one."""
    query = f"?{urlencode({'case_no': case_no})}" if case_no else ""
    return f"{base.rstrip('/')}/progress{query}"


def notice_document(
    config: Config,
    case: CaseView,
    item: CatalogueItemView,
    base_url: str,
    lang: str = "zh",
    width_mm: int | None = None,
    *,
    now: dt.datetime,
) -> Document:
    """一次性告知单: every missing material with its copies and note, and what comes next."""
    t = i18n.text
    columns = COLUMNS[width_mm or config.printer.width_mm]
    missing = set(case.missing)
    optional = [
        m
        for m in item.materials
        if not m.required and m.name not in missing and m.name not in case.materials_received
    ]
    blocks: list[Block] = [
        *_heading(config, t("slips.notice.title", lang)),
        *_labelled(t("slips.notice.item", lang), _item_name(item, lang), columns),
        *_labelled(t("slips.notice.department", lang), item.department, columns),
    ]
    if case.case_no:
        blocks.append(Pair(t("slips.notice.case_no", lang), case.case_no))
    blocks += [
        Pair(t("slips.notice.date", lang), now.astimezone(config.hall.tz).date().isoformat()),
        Rule(),
        Text(t("slips.notice.intro", lang), bold=True),
        *_materials([_material(item, name) for name in case.missing], lang, columns),
    ]
    if optional:
        blocks += [Text(t("slips.notice.optional", lang)), *_materials(optional, lang, columns)]
    blocks += [
        Rule(),
        *_labelled(t("slips.notice.process", lang), " → ".join(item.process), columns),
        *_labelled(t("slips.notice.limit", lang), _limit(item, lang), columns),
        *_phone(item, lang),
        Text(t("slips.notice.next_step", lang)),
        *_progress_qr(case, base_url, lang),
        Text(t("slips.notice.footer", lang)),
    ]
    return Document(tuple(blocks), name=f"notice {case.case_no or case.id}")


def receipt_document(
    config: Config,
    case: CaseView,
    item: CatalogueItemView,
    base_url: str,
    lang: str = "zh",
    width_mm: int | None = None,
) -> Document:
    """受理回执: the case number, what was received, the promised date, how to follow it."""
    t = i18n.text
    columns = COLUMNS[width_mm or config.printer.width_mm]
    at = case.accepted_at
    accepted = at.astimezone(config.hall.tz).strftime("%Y-%m-%d %H:%M") if at else ""
    received = [_material(item, name) for name in case.materials_received]
    blocks: list[Block] = [
        *_heading(config, t("slips.receipt.title", lang)),
        Text(t("slips.receipt.case_no", lang), align="center"),
        Text(case.case_no or "", size=2, align="center", bold=True),
        Rule(),
        *_labelled(t("slips.receipt.item", lang), _item_name(item, lang), columns),
        *_labelled(t("slips.receipt.department", lang), item.department, columns),
        Pair(t("slips.receipt.accepted", lang), accepted),
        Pair(t("slips.receipt.deadline", lang), _deadline(case, lang)),
    ]
    if case.window is not None:
        where = t("slips.window_value", lang, window=case.window)
        blocks.append(Pair(t("slips.receipt.window", lang), where))
    blocks += [
        Rule(),
        Text(t("slips.receipt.received", lang), bold=True),
        *(_materials(received, lang, columns) or [Text(t("slips.receipt.none_received", lang))]),
        *_progress_qr(case, base_url, lang),
        Text(t("slips.receipt.how", lang)),
        *_phone(item, lang),
        Text(t("slips.receipt.footer", lang)),
    ]
    return Document(tuple(blocks), name=f"receipt {case.case_no or case.id}")


def print_notice(
    config: Config,
    case: CaseView,
    item: CatalogueItemView,
    *,
    desk: int | None = None,
    server_url: str = "",
    lang: str = "zh",
    now: dt.datetime | None = None,
) -> PrintOutcome:
    """Print the one-time notice of `case` on desk `desk`'s printer; never raises."""
    cfg = desk_printer(config, desk)
    when = now or dt.datetime.now(config.hall.tz)
    doc = notice_document(
        config, case, item, _base(config, server_url), lang, cfg.width_mm, now=when
    )
    return Printer(cfg).print(doc)


def print_receipt(
    config: Config,
    case: CaseView,
    item: CatalogueItemView,
    *,
    desk: int | None = None,
    server_url: str = "",
    lang: str = "zh",
) -> PrintOutcome:
    """Print the acceptance receipt of `case` on desk `desk`'s printer; never raises."""
    cfg = desk_printer(config, desk)
    doc = receipt_document(config, case, item, _base(config, server_url), lang, cfg.width_mm)
    return Printer(cfg).print(doc)


# -- the parts --


def _base(config: Config, server_url: str) -> str:
    return public_base(config, server_url or f"http://{config.server.host}:{config.server.port}")


def _heading(config: Config, title: str) -> list[Block]:
    return [
        Text(config.hall.name, align="center", bold=True),
        Feed(),
        Text(title, size=2, align="center", bold=True),
        Rule(),
    ]


def _item_name(item: CatalogueItemView, lang: str) -> str:
    return item.name_en if lang == "en" and item.name_en else item.name_zh


def _labelled(label: str, value: str, columns: int) -> list[Block]:
    """`label：value` as a paragraph: long names read better wrapped than right-aligned."""
    return [Text(line) for line in wrap(f"{label}：{value}", columns)] if value else []


def _material(item: CatalogueItemView, name: str) -> MaterialView:
    """The catalogue's entry for `name` (a name it no longer lists still prints)."""
    found = next((m for m in item.materials if m.name == name), None)
    return found or MaterialView(name=name, required=True, copies=1)


def _materials(materials: list[MaterialView], lang: str, columns: int) -> list[Block]:
    """Numbered lines, each with its copies; its note indented under it."""
    blocks: list[Block] = []
    for n, m in enumerate(materials, 1):
        copies = (
            i18n.text("slips.copies", lang, count=m.copies)
            if m.copies
            else i18n.text("slips.original", lang)
        )
        blocks += _hanging(f"{n}. ", f"{m.name}  {copies}", columns)
        if m.note:
            blocks += _hanging(INDENT, m.note, columns)
    return blocks


def _hanging(prefix: str, text: str, columns: int) -> list[Block]:
    """`text` wrapped under `prefix`, continuation lines indented to match it."""
    pad = " " * len(prefix)
    lines = wrap(text, columns - len(pad))
    return [Text((prefix if i == 0 else pad) + line) for i, line in enumerate(lines)]


def _limit(item: CatalogueItemView, lang: str) -> str:
    if item.immediate:
        return i18n.text("slips.limit_immediate", lang)
    return i18n.text(
        "slips.limit_days", lang, promised=item.promised_limit_days, legal=item.legal_limit_days
    )


def _deadline(case: CaseView, lang: str) -> str:
    if case.immediate:
        return i18n.text("slips.receipt.immediate", lang)
    if case.deadline is None:
        return ""
    return i18n.text(
        "slips.receipt.deadline_value",
        lang,
        date=case.deadline.isoformat(),
        days=case.promised_days,
    )


def _phone(item: CatalogueItemView, lang: str) -> list[Block]:
    return [Pair(i18n.text("slips.phone", lang), item.enquiry_phone)] if item.enquiry_phone else []


def _progress_qr(case: CaseView, base_url: str, lang: str) -> list[Block]:
    """The QR opens the progress page with the number filled in; no number, no QR."""
    if not case.case_no:
        return []
    return [Rule(), QR(progress_url(base_url, case.case_no), i18n.text("slips.scan", lang)), Rule()]
