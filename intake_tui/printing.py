"""Printing at a desk (consultation window, guide desk) through `ticket_printer`:
tickets, and the two slips of a case (one-time notice, acceptance receipt).

A desk prints tickets only when its `[[windows]]` entry in the config names a printer
(`printer = "192.0.2.21:9100"`, see `ticket_printer.desk`): the hall's `[printer]`
is the ticket machine's, not a desk's. A case's slips go to the window's printer, else
`[printer]`, as `ticket_printer.intake_slips` decides (docs/intake.md). Layout and
ESC/POS output belong to `ticket_printer`, imported lazily because it costs time and
not every desk prints.
Printing blocks on the device, so it runs in a thread; its outcome is a message for
the clerk, never an exception: a failed print must not lose the issued ticket or case.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import importlib
import logging
from dataclasses import dataclass

from intake_tui.case_labels import it
from intake_tui.labels import tr
from onewindow import protocol as p
from onewindow.config import Config

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Printed:
    ok: bool
    message: str


def desk_has_printer(config: Config | None, window: int | None) -> bool:
    if config is None or window is None:
        return False
    w = config.window(window)
    return w is not None and bool(w.printer.strip())


async def print_at_desk(
    config: Config | None,
    window: int | None,
    ticket: p.TicketView,
    lang: str,
    server_url: str = "",
    *,
    reprint: bool = False,
) -> Printed | None:
    """Print `ticket` at the desk's printer; None when the desk has no printer."""
    if config is None or window is None or not desk_has_printer(config, window):
        return None
    # special tickets issued here get their own layout (windows to go to, called first);
    # print_ticket reprints any ticket, special ones included
    name = "print_special" if ticket.kind == "special" and not reprint else "print_ticket"
    try:
        printer = getattr(importlib.import_module("ticket_printer.desk"), name)
    except (ImportError, AttributeError):
        log.warning("ticket_printer.desk.%s is not available", name)
        return Printed(False, tr("print.unavailable", lang, number=ticket.number))
    try:
        outcome = await asyncio.to_thread(
            printer, config, ticket, lang, desk=window, server_url=server_url
        )
    except Exception as e:  # print_* promise not to raise; a ticket must survive if they do
        log.warning("desk printer failed: %s", e)
        return Printed(False, tr("print.failed", lang, number=ticket.number, reason=str(e)))
    if outcome.ok:
        return Printed(True, tr("print.done", lang, number=ticket.number))
    return Printed(
        False, tr("print.failed", lang, number=ticket.number, reason=outcome.message(lang))
    )


async def print_case_slip(
    config: Config | None,
    window: int | None,
    case: p.CaseView,
    item: p.CatalogueItemView,
    lang: str,
    server_url: str = "",
    *,
    now: dt.datetime | None = None,
) -> Printed:
    """The one-time notice of a returned case, or the receipt of an accepted one.

    Unlike tickets, the slips follow `ticket_printer.intake_slips`: the window's own
    printer, else the hall's `[printer]` (docs/intake.md). `now` is the hall's time
    for the notice's date (a simulated clock in training is not this PC's).
    """
    case_no = case.case_no or "—"
    if config is None:
        return Printed(False, it("print.no_config", lang, case_no=case_no))
    notice = case.state == "returned"
    try:
        slips = importlib.import_module("ticket_printer.intake_slips")
    except ImportError:
        log.warning("ticket_printer.intake_slips is not available")
        return Printed(False, it("print.unavailable", lang, case_no=case_no))
    try:
        if notice:
            outcome = await asyncio.to_thread(
                slips.print_notice,
                config,
                case,
                item,
                desk=window,
                server_url=server_url,
                lang=lang,
                now=now,
            )
        else:
            outcome = await asyncio.to_thread(
                slips.print_receipt,
                config,
                case,
                item,
                desk=window,
                server_url=server_url,
                lang=lang,
            )
    except Exception as e:  # they promise not to raise; the case is stored all the same
        log.warning("slip printer failed: %s", e)
        return Printed(False, it("print.failed", lang, reason=str(e), case_no=case_no))
    if outcome.ok:
        return Printed(
            True, it("print.notice_done" if notice else "print.receipt_done", lang, case_no=case_no)
        )
    return Printed(False, it("print.failed", lang, reason=outcome.message(lang), case_no=case_no))
