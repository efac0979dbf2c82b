"""A ticket station: the server, this machine's printer and its journal, together.

The order is the whole point: a ticket is issued (stored by the server) first and
printed second, so a printer fault leaves a valid ticket that the visitor can be
told about and that staff can reprint. The kiosk and the `ticket` / `reprint`
commands all go through here.
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from pathlib import Path

from onewindow import i18n
from onewindow.client import ApiFailure, HallClient
from onewindow.config import Config
from onewindow.protocol import TicketView
from ticket_printer.desk import desk_printer
from ticket_printer.journal import Journal
from ticket_printer.output import Printer, PrintOutcome
from ticket_printer.tickets import public_base, special_document, ticket_document

DEFAULT_JOURNAL = "var/print-journal"


class LookupFailed(Exception):
    """A ticket to reprint could not be found; `message(lang)` says why and what to do."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = values

    def message(self, lang: str = "zh") -> str:
        return i18n.text(f"printer.cli.{self.key}", lang, **self.values)


@dataclass
class Station:
    config: Config
    printer: Printer
    journal: Journal
    base_url: str

    @classmethod
    def open(
        cls,
        config: Config,
        server_url: str,
        journal_dir: str | None = None,
        desk: int | None = None,
    ) -> Station:
        """The station printing on `[printer]`, or on window `desk`'s own printer."""
        folder = Path(journal_dir) if journal_dir else config.resolve(DEFAULT_JOURNAL)
        return cls(
            config=config,
            printer=Printer(desk_printer(config, desk)),
            journal=Journal(folder, config.hall.tz),
            base_url=public_base(config, server_url),
        )

    async def issue(
        self, client: HallClient, service: str, kind: str = "normal", *, key: str | None = None
    ) -> TicketView:
        """Issue a ticket; reuse `key` when retrying a tap so it is issued only once."""
        return await client.issue_ticket(service, kind, key=key or uuid.uuid4().hex)

    async def print_ticket(self, ticket: TicketView, lang: str = "zh") -> PrintOutcome:
        """Print (or reprint) `ticket` off the event loop and journal the attempt."""
        make = special_document if ticket.kind == "special" else ticket_document
        doc = make(self.config, ticket, self.base_url, lang, self.printer.cfg.width_mm)
        outcome = await asyncio.to_thread(self.printer.print, doc)
        await asyncio.to_thread(self.journal.record, ticket, outcome.ok, outcome.reason)
        return outcome

    async def find(
        self, client: HallClient, *, ticket_id: str | None = None, number: str | None = None
    ) -> TicketView:
        """A ticket to reprint: by its id (public), by a number this machine printed,
        or by a number looked up with the staff token `client` carries."""
        if ticket_id:
            return await _by_id(client, ticket_id)
        assert number, "give a ticket id or a number"
        ids = await asyncio.to_thread(self.journal.find, number)
        if len(ids) == 1:
            return await _by_id(client, ids[0])
        if len(ids) > 1:
            raise LookupFailed("ambiguous", number=number.upper())
        if not client.token:
            raise LookupFailed("needs_staff")
        try:
            found = await client.find_tickets(number=number.strip().upper())
        except ApiFailure as e:
            if e.status in (401, 403):
                raise LookupFailed("needs_staff") from None
            raise
        if not found:
            raise LookupFailed("not_found", ticket=number.upper())
        if len(found) > 1:
            raise LookupFailed("ambiguous", number=number.upper())
        return found[0]


async def _by_id(client: HallClient, ticket_id: str) -> TicketView:
    try:
        return await client.ticket(ticket_id)
    except ApiFailure as e:
        if e.status == 404:
            raise LookupFailed("not_found", ticket=ticket_id[:16]) from None
        raise
