"""Cases at the clerk terminal: the catalogue, intake at a window, the supervisor's lists.

No Textual here, like `desk.py`: the screens call these coroutines from workers. Every
call that changes something goes through `Desk.act`, so the link check, the one-in-
flight rule and the repeat guard hold for cases as they do for tickets: a double press
of the submit key never makes two cases. Reads (the catalogue, lists, figures) do not
take that lock, so a list refreshing never refuses the clerk's key.
"""

from __future__ import annotations

import datetime as dt

from onewindow import protocol as p
from onewindow.client import ClientError, HallClient

from .desk import Desk
from .item_index import ItemIndex


class CaseDesk:
    def __init__(self, desk: Desk) -> None:
        self.desk = desk
        self._index: ItemIndex | None = None
        self._index_for: str | None = None  # the session token it was fetched under
        # a pre-check recorded whose special ticket is not issued yet: (ticket, item, materials)
        self._pending: dict[tuple[str, str, tuple[str, ...]], p.CaseView] = {}

    @property
    def client(self) -> HallClient:
        return self.desk.client

    # -- the catalogue, once per sign-in --

    async def items(self) -> ItemIndex:
        token = self.desk.session.token if self.desk.session else None
        if self._index is None or self._index_for != token:
            self._index = ItemIndex(await self.client.catalogue())
            self._index_for = token
        return self._index

    # -- intake at a window --

    async def case(self, ref: str) -> p.CaseView:
        """A case as it stands (a pre-check carried by a ticket, a returned case)."""
        return await self.client.case(ref)

    async def find_case(self, case_no: str) -> p.CaseView:
        """The clerk looks a case up by its number: one lookup per key press."""
        return await self.desk.act("case:find", lambda: self.client.case(case_no))

    async def take_in(
        self,
        item: str,
        materials: list[str],
        applicant: p.Applicant,
        ticket: str,
        precheck: p.CaseView | None = None,
    ) -> p.CaseView:
        """Submit a case: accepted with a number and a deadline, or returned with a notice.

        A ticket carrying a consultation pre-check submits that case, so the pre-check
        and the accepted case are one record.
        """
        if precheck is not None:
            body = p.SubmitCaseRequest(applicant=applicant, materials=materials, ticket=ticket)
            return await self.desk.act(
                "case:submit", lambda: self.client.case_action(precheck.id, "submit", body)
            )
        request = p.NewCaseRequest(
            item=item, materials=materials, applicant=applicant, ticket=ticket
        )
        return await self.desk.act("case:new", lambda: self.client.new_case(request))

    async def add_materials(self, case_id: str, received: list[str]) -> p.CaseView:
        body = p.MaterialsRequest(received=received)
        return await self.desk.act(
            "case:materials", lambda: self.client.case_action(case_id, "materials", body)
        )

    async def refer(
        self, item: str, materials: list[str], ticket: str
    ) -> tuple[p.CaseView, p.TicketView]:
        """Record a consultation pre-check and issue the special ticket that carries it.

        Two requests in one action. When the second fails (no window serves the item's
        service, the link dropped), pressing again reuses the pre-check already
        recorded for the same ticket, item and materials instead of recording another.
        """
        key = (ticket, item, tuple(materials))

        async def both() -> tuple[p.CaseView, p.TicketView]:
            case = self._pending.get(key)
            if case is None:
                request = p.NewCaseRequest(
                    item=item, materials=materials, ticket=ticket, precheck=True
                )
                case = await self.client.new_case(request)
                self._pending = {key: case}
            special = await self.client.issue_special(ticket, case=case.id)
            self._pending = {}
            return case, special

        return await self.desk.act("case:precheck", both)

    async def server_now(self) -> dt.datetime:
        """The hall's time (a simulated one in training), for the date on a notice."""
        try:
            return (await self.client.clock()).now
        except ClientError:
            return self.desk.model.server_now(self.desk.clock())

    # -- the supervisor's lists --

    async def alert_cases(self) -> list[p.CaseView]:
        """Cases past their deadline first, then those near it (预警)."""
        overdue = await self.client.cases(alert="overdue")
        warned = await self.client.cases(alert="warning")
        return overdue + [c for c in warned if c.id not in {o.id for o in overdue}]

    async def bad_ratings(self) -> list[p.RatingView]:
        return await self.client.ratings(bad=True)

    async def today(self) -> p.Report:
        return await self.client.report()

    async def follow_up(self, rating_id: int, note: str) -> p.RatingView:
        return await self.desk.act(
            f"follow-up:{rating_id}", lambda: self.client.follow_up(rating_id, note)
        )
