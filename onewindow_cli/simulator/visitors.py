"""Visitors: taking a ticket, giving up, coming back after a missed call, rating.

The guide desk (导办台) acts for visitors who come to it: it issues tickets (for the
elderly, say), cancels the ticket of someone who gives up, puts a missed ticket back in
line within the grace time (or gives a new one after it), and hands out special tickets.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from onewindow import protocol as p
from onewindow.client import HallClient
from onewindow.rating_scale import is_bad
from onewindow_cli.simulator import model
from onewindow_cli.simulator.engine import Actor
from onewindow_cli.simulator.layout import line_of
from onewindow_cli.simulator.model import draw
from onewindow_cli.simulator.records import CaseRecord, RatingRecord, TicketRecord
from onewindow_cli.simulator.world import Visit, World

if TYPE_CHECKING:
    from onewindow_cli.simulator.desk import DeskActor


def arrival_keys(visit: Visit, service: str) -> set[str]:
    return {"place", f"line:{line_of(service, False, None)}", f"vis:{visit.key}"}


def schedule_arrival(world: World, by: Actor, visit: Visit) -> None:
    service = visit.plan.ticket_service
    world.engine.schedule(
        visit.plan.arrives, by, arrival_keys(visit, service), lambda t: arrive(world, visit, t)
    )


async def arrive(world: World, visit: Visit, t: int) -> None:
    """Take a ticket at the kiosk, or at the guide desk."""
    plan = visit.plan
    await world.engine.clock()
    client = world.clients.guide if plan.at_guide else world.clients.kiosk
    issue = client.issue_ticket(
        plan.ticket_service,
        "priority" if plan.priority else "normal",
        key=f"sim-{plan.key}",
        channel="guide" if plan.at_guide else None,
    )
    view = await world.attempt(f"issue {plan.ticket_service}", issue)
    if view is None:
        return
    rec = world.issued(view, visit, t)
    if not visit.always_present and plan.leaves < world.day_ends:
        keys = {f"line:{world.line(rec)}", f"vis:{visit.key}"}
        world.engine.schedule(plan.leaves, visit.actor, keys, lambda now: give_up(world, rec, now))


async def give_up(world: World, rec: TicketRecord, t: int) -> None:
    """Waited too long: leave, telling the guide desk or not (then a no-show later)."""
    visit = world.visit_of[rec.id]
    if rec.state != "waiting" or rec.first_called_at is not None or not visit.plan.cancels:
        return
    await world.engine.clock()
    view = await world.attempt(
        f"cancel {rec.number}", world.clients.guide.ticket_action(rec.id, "cancel")
    )
    if view is not None:
        world.leaves_line(rec)
        rec.state, rec.closed_at = "cancelled", t


def plan_comeback(world: World, by: Actor, visit: Visit, rec: TicketRecord, t: int) -> None:
    """A visitor who was away when called comes back to the guide desk, if at all."""
    away = visit.plan.away
    if away is None or away.end <= t or away.end >= visit.plan.leaves:
        return
    back = away.end + int(draw(world.seed, visit.key, rec.number, "back").uniform(0, 300))
    if back >= world.day_ends:
        return
    keys = {"place", f"line:{world.line(rec)}", f"vis:{visit.key}"}
    world.engine.schedule(back, by, keys, lambda now: come_back(world, visit, rec, now))


async def come_back(world: World, visit: Visit, rec: TicketRecord, t: int) -> None:
    """Within the grace time the ticket goes back in line; after it, a new ticket."""
    await world.engine.clock()
    guide = world.clients.guide
    visit.always_present = True
    assert rec.no_show_at is not None
    if t - rec.no_show_at <= world.grace_s:
        view = await world.attempt(
            f"reinstate {rec.number}", guide.ticket_action(rec.id, "reinstate")
        )
        if view is not None:
            rec.window, rec.call_count, rec.called_at, rec.no_show_at = None, 0, None, None
            rec.reinstated += 1
            world.joins_line(rec)
        return
    kind = "priority" if rec.kind == "priority" else "normal"
    issue = guide.issue_ticket(
        rec.service, kind, key=f"sim-{visit.key}-{rec.number}", channel="guide"
    )
    view = await world.attempt(f"issue {rec.service}", issue)
    if view is not None:
        world.issued(view, visit, t)


def adopt(world: World, view: p.TicketView, t: int) -> TicketRecord:
    """A ticket someone else issued (a person at the kiosk beside a live simulation)."""
    plan = model.Visitor(
        key=f"outside-{view.id}",
        index=0,
        arrives=t,
        item=None,
        service=view.service,
        ticket_service=view.service,
        priority=False,
        at_guide=False,
        leaves=2**62,
        cancels=False,
        away=None,
        complete=True,
    )
    visit = Visit(plan, "new", always_present=True)
    rec = world.issued(view, visit, t)
    rec.issued_at = int(view.issued_at.timestamp())
    return rec


async def special_at_guide(
    world: World, visit: Visit, consult: TicketRecord, case: CaseRecord, t: int
) -> None:
    """The pre-checked visitor collects the special ticket at the guide desk."""
    await world.engine.clock()
    issue = world.clients.guide.issue_special(consult.id, case=case.id)
    view = await world.attempt(f"special for {consult.number}", issue)
    if view is not None:
        special = world.issued(view, visit, t)
        special.from_ticket, special.case = consult.number, case.key


async def after_service(
    world: World, desk: DeskActor, visit: Visit, rec: TicketRecord, t: int
) -> None:
    """Rate at the window's evaluator, or later at the kiosk (most visitors do)."""
    rng = draw(world.seed, visit.key, rec.number, "rating")
    if rng.random() >= model.RATES:
        return
    waited = (rec.first_called_at or t) - rec.issued_at
    score = model.score(rng.random(), waited)
    if desk.evaluator is not None:
        await rate(world, desk.evaluator, rec, score, "evaluator", t)
    else:
        later = t + int(rng.uniform(20, 150))
        world.engine.schedule(
            later,
            desk.actor,
            {f"vis:{visit.key}"},
            lambda now: rate(world, world.clients.kiosk, rec, score, "kiosk", now),
        )


async def rate(
    world: World, client: HallClient, rec: TicketRecord, score: int, channel: str, t: int
) -> None:
    await world.engine.clock()
    ticket = None if channel == "evaluator" else rec.id
    view = await world.attempt(f"rate {rec.number}", client.rate(score, ticket))
    if view is None:
        return
    case = world.case_of(rec)
    rating = RatingRecord(
        ticket=rec.number,
        day=rec.day,
        score=score,
        window=rec.window,
        staff_id=rec.staff_id,
        service=rec.service,
        item=case.item if case else None,
        channel=channel,
        at=t,
        id=view.id,
    )
    world.ratings.append(rating)
    world.check_time(f"rating {rec.number}", view.at, t)
    if is_bad(score):
        from onewindow_cli.simulator import backoffice

        backoffice.plan_follow_up(world, rating, t)


def return_visit(world: World, visit: Visit, purpose: str, arrives: int) -> Visit:
    """The same visitor back on another trip: no detours this time, and patient."""
    plan = dataclasses.replace(
        visit.plan,
        key=f"{visit.key}r",
        arrives=arrives,
        ticket_service=visit.plan.service,
        at_guide=False,
        away=None,
        leaves=arrives + 4 * 3600,
        complete=True,
    )
    return Visit(plan, purpose, case=visit.case)
