"""The one-window intake: cases from window tickets, deadlines, ratings, progress.

Cases live in SQLite, not in memory (a case lasts weeks); their changes are written in
the same group commit as their events, and one lock keeps two clerks from moving the
same case at once.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import secrets
from typing import Any

from onewindow import case_numbers
from onewindow import protocol as p
from onewindow.applicant_rules import mask_id, mask_name, mask_phone
from onewindow.catalogue import Catalogue, CatalogueItem
from queue_server import rules as r
from queue_server.attempts import AttemptLimit
from queue_server.auth import Principal
from queue_server.district_cases import DistrictCases
from queue_server.intake_input import checked_applicant, refuse_control_characters
from queue_server.rules.cases import Case, CaseEvent, CaseRules, checked_materials, phone_matches
from queue_server.service import HallService
from queue_server.store import cases as store

_CASE_EVENTS: dict[str, type[p.CaseEventBase]] = {
    "accepted": p.CaseAccepted,
    "returned": p.CaseReturned,
    "approved": p.CaseApproved,
    "rejected": p.CaseRejected,
    "issued": p.CaseIssued,
    "warning": p.CaseWarning,
    "overdue": p.CaseOverdue,
}


class Intake:
    def __init__(self, service: HallService, catalogue: Catalogue, rules: CaseRules) -> None:
        self.service = service
        self.catalogue = catalogue
        self.rules = rules
        self.tz = service.clock.tz
        self._lock = asyncio.Lock()
        self._case_day: dt.date | None = None
        self._case_seq = 0
        self._attempts = AttemptLimit(service.config.cases.progress_window_minutes * 60)
        self._deadline_day: dt.date | None = None
        self._deadline_mark = 0.0
        self.code = service.config.hall.code
        self.district = DistrictCases(service.config.uplink)

    def load(self) -> None:
        day = self.service.rules.business_day(self.service.clock.now())
        read = self.service.storage.read_now
        self._case_day = day
        self._case_seq = read(lambda c: store.last_case_seq(c, day, self.code))

    # -- lookups --

    def item(self, code: str) -> CatalogueItem:
        item = self.catalogue.get(code)
        if item is None:
            raise r.BadCommand("unknown_item", item=code)
        return item

    async def case(self, ref: str) -> Case:
        found = await self.service.storage.read(lambda c: store.get_case(c, ref, self.tz))
        if found is None:
            raise r.NotFound("unknown_case", case=ref[:32])
        return found

    def _ticket(self, principal: Principal, ref: str | None) -> r.Ticket:
        hall = self.service.hall
        if ref is not None:
            return hall.ticket(ref)
        held = hall.current(principal.window) if principal.window is not None else None
        if held is None:
            raise r.IllegalMove("no_ticket_in_hand", window=principal.window, state=None)
        return held

    # -- writing a change with its events --

    def _submit(
        self, case: Case, item: CatalogueItem, received: tuple[str, ...], now: dt.datetime
    ) -> tuple[list[CaseEvent], dt.date]:
        """Submit with the case numbered first, since its events copy the case as it is.

        The number is the hall's code + YYYYMMDD + the day's sequence, given on the first
        submit; a submit the rules refuse gives it back, so refusals leave no gaps.
        """
        day = self.service.rules.business_day(now)
        fresh = case.case_no is None
        if fresh:
            case.case_no = case_numbers.make(self.code, day, self._next_seq(day))
        try:
            events = self.rules.submit(case, item, received, now)
        except r.QueueError:
            if fresh:
                case.case_no = None
            raise
        if fresh:
            self._case_seq += 1
        return events, day

    def _next_seq(self, day: dt.date) -> int:
        if day != self._case_day:
            # A day may already have cases (a simulated clock moved into a stored day).
            read = self.service.storage.read_now
            code = self.code
            self._case_day, self._case_seq = day, read(lambda c: store.last_case_seq(c, day, code))
        return self._case_seq + 1

    async def _save(self, case: Case, events: list[CaseEvent], day: dt.date | None) -> None:
        builders = [self._builder(e) for e in events]
        await self.service.record(builders, store.save_case(case, day))

    def _builder(self, event: CaseEvent):  # type: ignore[no-untyped-def]
        c = event.case
        cls = _CASE_EVENTS[event.kind]
        extra: dict[str, object] = {}
        if event.kind == "returned":
            extra["missing"] = list(c.missing)
        if event.kind == "warning":
            extra["remaining_workdays"] = event.remaining or 0
        if event.kind == "accepted":
            extra["proof"] = self._proof(c)
        now = self.service.clock.now()
        return lambda seq: cls(
            seq=seq,
            at=now,
            case_id=c.id,
            case_no=c.case_no,
            item=c.item,
            service=c.service,
            window=c.window,
            deadline=c.deadline,
            immediate=c.immediate,
            staff_id=c.staff_id,
            accepted_at=c.accepted_at,
            decided_at=c.decided_at,
            overdue=c.overdue,
            state=c.state,
            **extra,  # type: ignore[arg-type]
        )

    def _proof(self, case: Case) -> str | None:
        """The digest the centre checks a visitor's digits against; never the digits."""
        up = self.service.config.uplink
        last4 = case_numbers.phone_last4(case.phone)
        if up is None or not up.proof_key or case.case_no is None or last4 is None:
            return None
        return case_numbers.proof(up.proof_key, case.case_no, last4)

    def _applicant(self, applicant: p.Applicant | None, now: dt.datetime) -> p.Applicant:
        assert applicant is not None
        return checked_applicant(applicant, self.service.rules.business_day(now))

    # -- the clerk's actions --

    async def create(self, principal: Principal, body: p.NewCaseRequest) -> Case:
        refuse_control_characters(materials=body.materials)
        item = self.item(body.item)
        received = checked_materials(item, body.materials)
        ticket = self._ticket(principal, body.ticket)
        if not body.precheck and body.applicant is None:
            raise r.BadCommand("applicant_required")
        now = self.service.clock.now()
        applicant = None if body.precheck else self._applicant(body.applicant, now)
        case = Case(
            id=secrets.token_urlsafe(9),
            item=item.code,
            service=item.service,
            state="prechecked",
            created_at=now,
            immediate=item.immediate,
            ticket_id=ticket.id,
            ticket_number=ticket.number,
            window=principal.window,
            staff_id=principal.name,
            received=received,
        )
        async with self._lock:
            if body.precheck:
                await self._save(case, [], None)
                return case
            assert applicant is not None
            _fill(case, applicant)
            events, day = self._submit(case, item, received, now)
            await self._save(case, events, day)
        return case

    async def submit(self, principal: Principal, ref: str, body: p.SubmitCaseRequest) -> Case:
        refuse_control_characters(materials=body.materials)
        applicant = self._applicant(body.applicant, self.service.clock.now())
        async with self._lock:
            case = await self.case(ref)
            item = self.item(case.item)
            received = checked_materials(item, body.materials or list(case.received))
            if body.ticket is not None or principal.window is not None:
                try:
                    ticket = self._ticket(principal, body.ticket)
                    case.ticket_id, case.ticket_number = ticket.id, ticket.number
                except r.QueueError:
                    pass  # submitting without a ticket in hand keeps the pre-check's ticket
            case.window, case.staff_id = principal.window, principal.name
            _fill(case, applicant)
            now = self.service.clock.now()
            events, day = self._submit(case, item, received, now)
            await self._save(case, events, day)
            return case

    async def add_materials(self, ref: str, body: p.MaterialsRequest) -> Case:
        refuse_control_characters(received=body.received)
        async with self._lock:
            case = await self.case(ref)
            item = self.item(case.item)
            now = self.service.clock.now()
            received = checked_materials(item, body.received)
            # Only a returned case takes materials, and it was numbered when it was returned.
            events = self.rules.add_materials(case, item, received, now)
            await self._save(case, events, None)
            return case

    async def send_back(self, ref: str, body: p.ReturnRequest) -> Case:
        refuse_control_characters(missing=body.missing, reason=body.reason)
        async with self._lock:
            case = await self.case(ref)
            events = self.rules.send_back(case, self.item(case.item), body.missing, body.reason)
            await self._save(case, events, None)
            return case

    async def decide(self, ref: str, approve: bool, reason: str) -> Case:
        refuse_control_characters(reason=reason)
        async with self._lock:
            case = await self.case(ref)
            events = self.rules.decide(case, approve, reason, self.service.clock.now())
            await self._save(case, events, None)
            return case

    async def issue(self, ref: str) -> Case:
        async with self._lock:
            case = await self.case(ref)
            events = self.rules.issue(case, self.service.clock.now())
            await self._save(case, events, None)
            return case

    async def cases(self, **conditions: Any) -> list[Case]:
        """Cases, newest first, by the store's named conditions (`store.cases_by`)."""
        return await self.service.storage.read(lambda c: store.cases_by(c, self.tz, **conditions))

    async def check_deadlines(self) -> int:
        """Warn the cases that are near their deadline and flag the overdue ones, once.

        Whether a case is due only changes with the date: on a new date every open
        case is looked at, within the same date only those accepted since the last look.
        """
        now = self.service.clock.now()
        today = now.date()
        since = self._deadline_mark if today == self._deadline_day else None
        async with self._lock:
            open_cases = await self.cases(
                open_with_deadline=True, not_overdue=True, accepted_since=since, limit=100_000
            )
            self._deadline_day, self._deadline_mark = today, now.timestamp()
            count = 0
            for case in open_cases:
                events = self.rules.due(case, today)
                if events:
                    await self._save(case, events, None)
                    count += 1
            return count

    # -- views --

    def view(self, case: Case) -> p.CaseView:
        item = self.catalogue.get(case.item)
        today = self.service.clock.now().date()
        applicant = None
        if case.applicant_name and case.id_number and case.phone:
            applicant = p.MaskedApplicant(
                name=mask_name(case.applicant_name),
                id_type=case.id_type,  # type: ignore[arg-type]
                id_number=mask_id(case.id_type, case.id_number),
                phone=mask_phone(case.phone),
            )
        return p.CaseView(
            id=case.id,
            case_no=case.case_no,
            item=case.item,
            item_name_zh=item.name_zh if item else case.item,
            item_name_en=item.name_en if item else case.item,
            department=item.department if item else "",
            service=case.service,
            state=case.state,  # type: ignore[arg-type]
            immediate=case.immediate,
            ticket=case.ticket_number,
            window=case.window,
            staff_id=case.staff_id,
            applicant=applicant,
            materials_received=list(case.received),
            missing=list(case.missing),
            created_at=case.created_at,
            accepted_at=case.accepted_at,
            deadline=case.deadline,
            promised_days=case.promised_days,
            decided_at=case.decided_at,
            issued_at=case.issued_at,
            remaining_workdays=self.rules.remaining(case, today),
            warning=self.rules.is_warned(case, today),
            overdue=self.rules.is_overdue(case, today),
            reason=case.reason,
            clock_restarts=case.clock_restarts,
        )

    # -- progress queries --

    async def progress(
        self, case_no: str, last4: str, client: str, allowance: int = 1
    ) -> p.ProgressView:
        """Case number + the phone's last 4 digits; every wrong pair answers the same.

        A number carrying another hall's code is asked of the district centre. Wrong
        pairs are limited per `client` (an address, or a kiosk device, which serves
        many visitors and so gets `allowance` times the attempts), whichever hall the
        case is from.
        """
        cfg = self.service.config.cases
        attempt = self._attempts.take(client, cfg.progress_attempts * allowance)
        if attempt is None:
            raise r.Limited("progress_limited", minutes=round(cfg.progress_window_minutes))
        number = case_numbers.normalise(case_no)
        try:
            if number is not None and case_numbers.is_foreign(number, self.code):
                view = await self._district_progress(number, last4)
            else:
                view = await self._own_progress(number, last4)
        except r.NotFound:
            raise  # a wrong pair: it counts
        except BaseException:
            self._attempts.give_back(attempt)  # not checked: not a guess
            raise
        self._attempts.give_back(attempt)
        return view

    async def _own_progress(self, case_no: str | None, last4: str) -> p.ProgressView:
        if case_no is None:
            raise r.NotFound("progress_not_found")
        case = await self.service.storage.read(lambda c: store.get_case(c, case_no, self.tz))
        if case is None or case.case_no != case_no or not phone_matches(case.phone, last4):
            raise r.NotFound("progress_not_found")
        item = self.catalogue.get(case.item)
        return p.ProgressView(
            case_no=case_no,
            item_name_zh=item.name_zh if item else case.item,
            item_name_en=item.name_en if item else case.item,
            state=case.state,  # type: ignore[arg-type]
            accepted_at=case.accepted_at,
            deadline=case.deadline,
            decided_at=case.decided_at,
            issued_at=case.issued_at,
            missing=list(case.missing),
            remaining_workdays=self.rules.remaining(case, self.service.clock.now().date()),
        )

    async def _district_progress(self, case_no: str, last4: str) -> p.ProgressView:
        if not (len(last4) == 4 and last4.isdigit()):
            raise r.NotFound("progress_not_found")
        found = await self.district.find(case_no, last4)
        item = self.catalogue.get(found.item)
        remaining = None
        if found.deadline is not None and found.state == "accepted":
            today = self.service.clock.now().date()
            remaining = self.rules.calendar.remaining(today, found.deadline)
        finished = found.finished_at if found.state in ("approved", "rejected", "issued") else None
        return p.ProgressView(
            case_no=found.case_no,
            item_name_zh=item.name_zh if item else found.item,
            item_name_en=item.name_en if item else found.item,
            state=found.state,
            accepted_at=found.accepted_at,
            deadline=found.deadline,
            decided_at=finished,
            issued_at=None,
            missing=found.missing,
            remaining_workdays=remaining,
            hall=found.hall,
            hall_name_zh=found.hall_name_zh,
            hall_name_en=found.hall_name_en,
        )


def _fill(case: Case, applicant: p.Applicant) -> None:
    case.applicant_name, case.id_type = applicant.name, applicant.id_type
    case.id_number, case.phone = applicant.id_number, applicant.phone
