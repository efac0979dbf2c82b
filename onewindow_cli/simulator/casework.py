"""What happens at the window before "finish": pre-checks, cases, special tickets.

- consultation, consult-first item: pre-check the materials (a `prechecked` case); when
  they are complete the clerk issues the special ticket (or the visitor collects it at
  the guide desk); when not, a one-time notice and perhaps a trip back later;
- acceptance, special ticket: submit the pre-checked case with the applicant;
- a visitor back with missing materials: add them to the returned case;
- a pick-up: hand over the decided case (出件);
- any other item: a new case, accepted or returned with a one-time notice.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from onewindow import protocol as p
from onewindow_cli.simulator import backoffice, model, visitors
from onewindow_cli.simulator.engine import Actor
from onewindow_cli.simulator.model import KIOSK_CLOSES, draw
from onewindow_cli.simulator.records import CaseRecord, TicketRecord
from onewindow_cli.simulator.world import Visit, World

if TYPE_CHECKING:
    from onewindow_cli.simulator.desk import DeskActor


async def serve(world: World, desk: DeskActor, rec: TicketRecord, visit: Visit, t: int) -> None:
    item = visit.plan.item
    if visit.purpose == "materials" and visit.case is not None:
        await _materials(world, desk, visit.case, visit, t)
    elif visit.purpose == "pickup" and visit.case is not None:
        await _hand_over(world, desk, visit.case, t)
    elif item is None:
        return
    elif rec.kind == "special" and visit.case is not None:
        await _submit(world, desk, rec, visit, t)
    elif desk.desk.role == "consultation" and item.mode == "consult_first":
        await _precheck(world, desk, rec, visit, item, t)
    elif model.needs_case(item, visit.plan.service):
        await _new_case(world, desk, rec, visit, item, t)


def _materials_brought(
    world: World, visit: Visit, item: p.CatalogueItemView, complete: bool
) -> tuple[list[str], tuple[str, ...]]:
    """(what the visitor hands in, what is missing)."""
    missing = () if complete else tuple(model.missing_some(world.seed, item, visit.key))
    return [m.name for m in item.materials if m.name not in missing], missing


def _case(
    world: World,
    desk: DeskActor,
    rec: TicketRecord,
    visit: Visit,
    item: p.CatalogueItemView,
    view: p.CaseView,
    t: int,
) -> CaseRecord:
    case = CaseRecord(
        key=f"{visit.key}/{rec.number}",
        item=item.code,
        service=view.service,
        immediate=item.immediate,
        created_at=t,
        ticket=rec.number,
        ticket_id=rec.id,
        ticket_day=rec.day,
        window=desk.desk.number,
        staff_id=desk.desk.staff_id,
        id=view.id,
    )
    world.cases.append(case)
    visit.case = case
    return case


async def _precheck(
    world: World,
    desk: DeskActor,
    rec: TicketRecord,
    visit: Visit,
    item: p.CatalogueItemView,
    t: int,
) -> None:
    brought, missing = _materials_brought(world, visit, item, visit.plan.complete)
    body = p.NewCaseRequest(item=item.code, materials=brought, precheck=True)
    view = await world.attempt(f"precheck {rec.number}", desk.client.new_case(body))
    if view is None:
        return
    case = _case(world, desk, rec, visit, item, view, t)
    if missing:
        plan_return(world, desk.actor, visit, "again", missing, t)
        return
    rng = draw(world.seed, visit.key, rec.number, "special")
    if rng.random() < model.SPECIAL_AT_GUIDE:
        keys = {"place", f"line:{case.service}*", f"vis:{visit.key}"}
        world.engine.schedule(
            t + int(rng.uniform(60, 180)),
            desk.actor,
            keys,
            lambda now: visitors.special_at_guide(world, visit, rec, case, now),
        )
        return
    issue = desk.client.issue_special(rec.id, case=case.id)
    special = await world.attempt(f"special for {rec.number}", issue)
    if special is None:
        return
    # The consultation ticket is done (referred) the moment its special ticket exists.
    rec.state, rec.outcome, rec.finished_at, rec.closed_at = "done", "referred", t, t
    world.served += 1
    visit.always_present = True
    new = world.issued(special, visit, t)
    new.from_ticket, new.case = rec.number, case.key


async def _submit(world: World, desk: DeskActor, rec: TicketRecord, visit: Visit, t: int) -> None:
    case = visit.case
    assert case is not None and visit.plan.item is not None
    complete = draw(world.seed, visit.key, "submit").random() < model.COMPLETE_AFTER_PRECHECK
    brought, missing = _materials_brought(world, visit, visit.plan.item, complete)
    body = p.SubmitCaseRequest(applicant=visit.plan.applicant(), materials=brought)
    view = await world.attempt(
        f"submit {rec.number}", desk.client.case_action(case.id, "submit", body)
    )
    if view is not None:
        case.ticket, case.ticket_id, case.ticket_day = rec.number, rec.id, rec.day
        case.window, case.staff_id = desk.desk.number, desk.desk.staff_id
        _decided_at_window(world, desk, case, visit, missing, view, t)


async def _new_case(
    world: World,
    desk: DeskActor,
    rec: TicketRecord,
    visit: Visit,
    item: p.CatalogueItemView,
    t: int,
) -> None:
    brought, missing = _materials_brought(world, visit, item, visit.plan.complete)
    body = p.NewCaseRequest(item=item.code, materials=brought, applicant=visit.plan.applicant())
    view = await world.attempt(f"case for {rec.number}", desk.client.new_case(body))
    if view is not None:
        case = _case(world, desk, rec, visit, item, view, t)
        _decided_at_window(world, desk, case, visit, missing, view, t)


async def _materials(world: World, desk: DeskActor, case: CaseRecord, visit: Visit, t: int) -> None:
    body = p.MaterialsRequest(received=list(visit.missing))
    view = await world.attempt(
        f"materials {case.case_no}", desk.client.case_action(case.id, "materials", body)
    )
    if view is not None:
        _accepted(world, case, view, t)


async def _hand_over(world: World, desk: DeskActor, case: CaseRecord, t: int) -> None:
    view = await world.attempt(f"issue {case.case_no}", desk.client.case_action(case.id, "issue"))
    if view is not None:
        case.state, case.issued_at = "issued", t
        world.check_time(f"issue {case.case_no}", view.issued_at, t)


def _decided_at_window(
    world: World,
    desk: DeskActor,
    case: CaseRecord,
    visit: Visit,
    missing: tuple[str, ...],
    view: p.CaseView,
    t: int,
) -> None:
    """Accepted with a number and a deadline, or returned with a one-time notice."""
    case.case_no = view.case_no
    if missing:
        case.state, case.returned = "returned", case.returned + 1
        if view.state != "returned":
            world.mismatches.append(f"case {case.case_no}: {view.state}, expected returned")
        plan_return(world, desk.actor, visit, "materials", missing, t)
        return
    _accepted(world, case, view, t)


def _accepted(world: World, case: CaseRecord, view: p.CaseView, t: int) -> None:
    item = world.mix.item(case.item)
    if case.accepted_at is not None:
        case.clock_restarts += 1
    case.state, case.accepted_at = "accepted", t
    case.promised_days = item.promised_limit_days
    deadline = world.calendar.add_workdays(world.when(t).date(), item.promised_limit_days)
    case.deadline = deadline.isoformat()
    if view.deadline != deadline:
        world.mismatches.append(f"case {case.case_no}: deadline {view.deadline} != {deadline}")
    if item.immediate:  # 即办件: decided and handed over at the window
        case.state, case.decided_at, case.issued_at = "issued", t, t
    else:
        backoffice.plan_decision(world, case, t)
    if view.state != case.state:
        world.mismatches.append(f"case {case.case_no}: {view.state}, expected {case.state}")


def plan_return(
    world: World, by: Actor, visit: Visit, purpose: str, missing: tuple[str, ...], t: int
) -> None:
    """Some come back with what was missing: later today, or on the next working day."""
    rng = draw(world.seed, visit.key, purpose, "return")
    if rng.random() >= model.COME_BACK:
        return
    back = t + int(rng.uniform(60, 180) * 60)
    if back < world.at(world.day, KIOSK_CLOSES) - 20 * 60:
        again = visitors.return_visit(world, visit, purpose, back)
        again.missing = missing
        visitors.schedule_arrival(world, by, again)
        return
    day = world.calendar.add_workdays(world.day, 1)
    arrives = world.at(day, dt.time(9, 0)) + int(rng.uniform(0, 7.5 * 3600))
    again = visitors.return_visit(world, visit, purpose, arrives)
    again.missing = missing
    world.later.setdefault(day, []).append(again)
