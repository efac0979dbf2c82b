"""The back office, acting as the hall's supervisor: decisions, post, follow-ups.

Accepted cases are decided over the following working days — most before their
deadline, some on it, a few after it — then sent by post or collected at a pick-up
window on a later day. Bad ratings are followed up the same afternoon or the next
working morning.
"""

from __future__ import annotations

import datetime as dt

from onewindow import i18n
from onewindow import protocol as p
from onewindow_cli.simulator import model
from onewindow_cli.simulator.engine import Actor
from onewindow_cli.simulator.model import draw
from onewindow_cli.simulator.records import CaseRecord, RatingRecord
from onewindow_cli.simulator.world import Visit, World

OFFICE_OPENS = dt.time(9, 0)
OFFICE_CLOSES = dt.time(17, 30)
EARLY, ON_TIME = 0.85, 0.95  # cumulative shares: decided before / on / after the deadline


def _office_time(world: World, day: dt.date, rng_u: float, after: int = 0) -> int | None:
    """A moment in office hours on `day`, not before `after`; None if the day is over."""
    opens, closes = world.at(day, OFFICE_OPENS), world.at(day, OFFICE_CLOSES)
    start = max(opens, after)
    if start >= closes - 600:
        return None
    return start + int(rng_u * (closes - 600 - start))


def _next_workday(world: World, day: dt.date) -> dt.date:
    return world.calendar.add_workdays(day, 1)


def plan_decision(world: World, case: CaseRecord, t: int) -> None:
    assert case.deadline is not None
    rng = draw(world.seed, case.key, case.clock_restarts, "decision")
    accepted = world.when(t).date()
    deadline = dt.date.fromisoformat(case.deadline)
    early = [d for d in _days(accepted, deadline) if world.calendar.is_workday(d)]
    u = rng.random()
    if u < EARLY and early:
        day = rng.choice(early)
    elif u < ON_TIME:
        day = deadline
    else:
        day = world.calendar.add_workdays(deadline, rng.choice((1, 2)))
    when = _office_time(world, day, rng.random(), after=t + 1800)
    if when is None:  # too late today: the next working day, whatever that means for it
        when = _office_time(world, _next_workday(world, day), rng.random())
    assert when is not None
    reject = rng.random() < model.REJECTED
    actor = Actor(f"c{case.key}")
    world.task(
        when, actor, {f"case:{case.key}"}, lambda now: decide(world, actor, case, reject, now)
    )


def _days(first: dt.date, before: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=k) for k in range((before - first).days)]


async def decide(world: World, actor: Actor, case: CaseRecord, reject: bool, t: int) -> None:
    await world.engine.clock()
    reason = i18n.text("simulator.rejected" if reject else "simulator.approved", world.language)
    action = "reject" if reject else "approve"
    call = world.clients.supervisor.case_action(case.id, action, p.DecisionRequest(reason=reason))
    view = await world.attempt(f"{action} {case.case_no}", call)
    if view is None:
        return
    case.state, case.decided_at = ("rejected" if reject else "approved"), t
    world.check_time(f"{action} {case.case_no}", view.decided_at, t)
    rng = draw(world.seed, case.key, "handover")
    if rng.random() < model.BY_POST:
        when = _office_time(world, world.day, rng.random(), after=t + 3600)
        if when is None:
            when = _office_time(world, _next_workday(world, world.day), rng.random())
        assert when is not None
        world.task(when, actor, {f"case:{case.key}"}, lambda now: post(world, case, now))
    else:
        ready = world.calendar.add_workdays(world.day, rng.choice((1, 1, 2, 3)))
        world.pickups.append((ready, case))


async def post(world: World, case: CaseRecord, t: int) -> None:
    """The result goes out by post: handed over without a visit."""
    await world.engine.clock()
    view = await world.attempt(
        f"issue {case.case_no}", world.clients.supervisor.case_action(case.id, "issue")
    )
    if view is not None:
        case.state, case.issued_at = "issued", t


def plan_follow_up(world: World, rating: RatingRecord, t: int) -> None:
    rng = draw(world.seed, rating.day, rating.ticket, "follow-up")
    if rng.random() >= model.BAD_FOLLOWED_UP:
        return
    when = _office_time(world, world.day, rng.random(), after=t + 3600)
    if when is None:
        when = _office_time(world, _next_workday(world, world.day), rng.random())
    assert when is not None
    actor = Actor(f"r{rating.day}{rating.ticket}")
    world.task(
        when,
        actor,
        {f"rating:{rating.day}{rating.ticket}"},
        lambda now: follow_up(world, rating, now),
    )


async def follow_up(world: World, rating: RatingRecord, t: int) -> None:
    await world.engine.clock()
    note = i18n.text("simulator.follow_up_note", world.language)
    view = await world.attempt(
        f"follow-up {rating.ticket}", world.clients.supervisor.follow_up(rating.id, note)
    )
    if view is not None:
        rating.followed_up_at = t


def collect(world: World, visits: list[Visit]) -> None:
    """Give the day's pick-up visitors the decided cases that are ready for them."""
    ready = sorted((c for c in world.pickups if c[0] <= world.day), key=lambda c: (c[0], c[1].key))
    for visit in visits:
        if not ready:
            break
        if visit.purpose == "new" and visit.plan.service in model.PICKUP_SERVICES:
            entry = ready.pop(0)
            world.pickups.remove(entry)
            visit.purpose, visit.case = "pickup", entry[1]
