"""好差评: one rating per served ticket, from the window's evaluator or the kiosk.

Ticket numbers run in sequence, so a rating never names a ticket by its number: the
kiosk names it by its opaque id (the ticket's QR code), and the evaluator, bound to
its window, rates only the ticket that window finished last.
"""

from __future__ import annotations

import asyncio
import re

from onewindow import protocol as p
from onewindow.rating_scale import BAD, SCORES
from queue_server import rules as r
from queue_server.auth import Principal
from queue_server.intake_input import refuse_control_characters
from queue_server.service import HallService
from queue_server.store import cases as store
from queue_server.store.cases import Rating

# A ticket number (A012, T005, AB1000): what a rating must not be named by.
_NUMBER = re.compile(r"^[A-Za-z]{1,3}[0-9]{1,6}$")


class Ratings:
    def __init__(self, service: HallService) -> None:
        self.service = service
        self.tz = service.clock.tz
        self._lock = asyncio.Lock()
        self._rated: set[str] = set()
        self._last_id = 0

    def load(self) -> None:
        day = self.service.rules.business_day(self.service.clock.now())
        self._rated = self.service.storage.read_now(lambda c: store.rated_tickets(c, day))
        self._last_id = self.service.storage.read_now(store.last_rating_id)

    # -- which ticket a caller may rate --

    def _named(self, principal: Principal, ref: str | None) -> r.Ticket:
        """The ticket the rating is for: named by its opaque id, or the evaluator's own."""
        if ref is not None:
            return self._by_id(ref)
        if principal.role == "evaluator":
            return self._window_last(principal)
        raise r.BadCommand("rating_needs_ticket")

    def _by_id(self, ref: str) -> r.Ticket:
        # Never by number: numbers run in sequence, so anyone could rate anyone's visit.
        ticket = self.service.hall.tickets.get(ref)
        if ticket is not None:
            return ticket
        if _NUMBER.match(ref):
            raise r.BadCommand("rating_by_number", ticket=ref.upper())
        raise r.NotFound("unknown_ticket", ticket=ref[:32])

    def _window_last(self, principal: Principal) -> r.Ticket:
        """The ticket the evaluator's window finished last: the only one it may rate."""
        if principal.window is None:
            raise r.Forbidden("evaluator_unbound", device=principal.name)
        done = [
            t
            for t in self.service.hall.tickets.values()
            if t.window == principal.window and t.state is r.TicketState.DONE
        ]
        if not done:
            raise r.IllegalMove("nothing_to_rate", window=principal.window)
        return max(done, key=lambda t: t.closed_at or t.finished_at or t.issued_at)

    def _check_may_rate(self, principal: Principal, ticket: r.Ticket) -> None:
        if ticket.state is not r.TicketState.DONE:
            raise r.IllegalMove("ticket_not_served", ticket=ticket.number, state=ticket.state.value)
        if principal.role == "evaluator" and ticket is not self._window_last(principal):
            raise r.IllegalMove("not_last_served", ticket=ticket.number, window=principal.window)

    async def rate(self, principal: Principal, body: p.RatingRequest) -> Rating:
        refuse_control_characters(comment=body.comment)
        async with self._lock:
            if principal.role == "evaluator" and principal.window is None:
                raise r.Forbidden("evaluator_unbound", device=principal.name)
            ticket = self._named(principal, body.ticket)
            if ticket.id in self._rated:
                raise r.IllegalMove("already_rated", ticket=ticket.number)
            self._check_may_rate(principal, ticket)
            item = await self.service.storage.read(
                lambda c: c.execute(
                    "SELECT item FROM cases WHERE ticket_id = ? ORDER BY created_at DESC",
                    (ticket.id,),
                ).fetchone()
            )
            self._last_id += 1
            rating = Rating(
                id=self._last_id,
                ticket_id=ticket.id,
                ticket_number=ticket.number,
                business_day=ticket.business_day,
                window=ticket.window,
                staff_id=ticket.staff_id,
                service=ticket.service,
                item=item[0] if item else None,
                score=body.score,
                comment=body.comment,
                channel=principal.role,
                at=self.service.clock.now(),
            )
            event = lambda seq: p.RatingReceived(  # noqa: E731
                seq=seq,
                at=rating.at,
                rating_id=rating.id,
                number=rating.ticket_number,
                service=rating.service,
                window=rating.window,
                score=rating.score,
                business_day=rating.business_day,
                staff_id=rating.staff_id,
                item=rating.item,
            )
            await self.service.record([event], store.save_rating(rating, rating.id))
            self._rated.add(ticket.id)
            return rating

    async def follow_ups(self, bad_only: bool) -> list[Rating]:
        scores = BAD if bad_only else SCORES
        return await self.service.storage.read(lambda c: store.ratings_with(c, self.tz, scores))

    async def follow_up(self, rating_id: int, note: str) -> Rating:
        refuse_control_characters(note=note)
        found = await self.service.storage.read(lambda c: store.rating(c, self.tz, rating_id))
        if found is None:
            raise r.NotFound("unknown_rating", rating=rating_id)
        now = self.service.clock.now()
        event = lambda seq: p.RatingFollowedUp(seq=seq, at=now, rating_id=rating_id)  # noqa: E731
        # An event, so the district centre's reports count the follow-up as the hall's do.
        await self.service.record([event], store.follow_up(rating_id, note, now))
        updated = await self.service.storage.read(lambda c: store.rating(c, self.tz, rating_id))
        assert updated is not None
        return updated


def rating_view(rating: Rating) -> p.RatingView:
    return p.RatingView(
        id=rating.id,
        ticket_number=rating.ticket_number,
        business_day=rating.business_day,
        window=rating.window,
        staff_id=rating.staff_id,
        service=rating.service,
        item=rating.item,
        score=rating.score,
        comment=rating.comment,
        channel=rating.channel,
        at=rating.at,
        followed_up_at=rating.followed_up_at,
        follow_up_note=rating.follow_up_note,
    )
