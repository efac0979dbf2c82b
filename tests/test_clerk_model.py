"""The clerk terminal's mirror of the hall (pure), and its Desk link (real server)."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from intake_tui.desk import REPEAT_GUARD_S, Busy, Desk, Offline, Repeated, SessionEnded
from intake_tui.hall_model import HallModel
from onewindow import protocol as p
from onewindow.client import ApiFailure, HallClient, Link
from tests.hallserver import HallServer
from tests.test_clerk_harness import PIN, hall_state, issue, window_of

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
SERVICES = {"A": "direct", "D": "consult_first"}


def window(number: int, role: str, services: list[str]) -> p.WindowView:
    return p.WindowView(
        number=number,
        name=f"{number}号窗",
        role=role,
        services=services,  # type: ignore[arg-type]
        state="open",
        staff_id="1005",
    )


def snapshot(at: dt.datetime = T0) -> p.StateSnapshot:
    return p.StateSnapshot(
        hall="测试大厅",
        notice="",
        business_day=at.date(),
        seq=10,
        at=at,
        windows=[window(1, "consultation", ["D"]), window(5, "acceptance", ["A", "D"])],
        services=[
            p.ServiceView(
                code=c,
                prefix=c,
                name_zh=c,
                name_en=c,
                mode=m,
                waiting=0,  # type: ignore[arg-type]
                oldest_wait_s=0,
                mean_service_s=300,
                open_windows=1,
                wait_alert_s=600,
            )
            for c, m in SERVICES.items()
        ],
        recent_calls=[],
        allow_priority=True,
        display=p.DisplaySettings(language="zh", recent_calls=10, announce_repeat=1),
    )


def ticket(
    number: str,
    state: str = "waiting",
    *,
    kind: str = "normal",
    window: int | None = None,
    issued: dt.datetime = T0,
    target: int | None = None,
) -> p.TicketView:
    return p.TicketView(
        id=f"id-{number}",
        number=number,
        service=number[0] if kind != "special" else "D",
        kind=kind,
        state=state,
        issued_at=issued,
        channel="kiosk",  # type: ignore[arg-type]
        window=window,
        target_window=target,
        call_count=int(window is not None),
        called_at=T0 if window else None,
    )


def event(cls: type[p.TicketEventBase], seq: int, t: p.TicketView) -> p.TicketEventBase:
    return cls(seq=seq, at=T0, number=t.number, service=t.service, ticket=t, window=t.window)


@pytest.fixture
def model() -> HallModel:
    m = HallModel()
    m.reset(snapshot(), T0)
    m.set_waiting([])
    return m


def test_a_call_puts_the_ticket_in_the_windows_hand_and_finish_takes_it_out(
    model: HallModel,
) -> None:
    model.apply(event(p.TicketIssued, 11, ticket("A001")))  # type: ignore[arg-type]
    assert [line.normal for line in model.queue_lines(5)] == [1, 0]
    called = ticket("A001", "called", window=5)
    model.apply(event(p.TicketCalled, 12, called))  # type: ignore[arg-type]
    assert model.windows[5].current == called
    assert model.queue_lines(5)[0].total == 0
    assert [(c.number, c.window) for c in model.window_calls(5)] == [("A001", 5)]
    model.apply(event(p.TicketFinished, 13, ticket("A001", "done", window=5)))  # type: ignore[arg-type]
    assert model.windows[5].current is None
    assert model.seq == 13


def test_a_transfer_leaves_the_window_and_waits_again(model: HallModel) -> None:
    model.apply(event(p.TicketCalled, 11, ticket("A001", "called", window=5)))  # type: ignore[arg-type]
    moved = ticket("A001", target=6)
    model.apply(
        p.TicketTransferred(
            seq=12,
            at=T0,
            number="A001",
            service="A",
            ticket=moved,
            window=None,
            from_service="A",
            from_window=5,
        )
    )
    assert model.windows[5].current is None
    assert model.sent_here(6) == 1 and model.queue_lines(5)[0].total == 0


def test_closing_a_window_empties_its_hand(model: HallModel) -> None:
    model.apply(event(p.TicketCalled, 11, ticket("A001", "called", window=5)))  # type: ignore[arg-type]
    model.apply(p.WindowClosed(seq=12, at=T0, window=5, state="closed"))
    assert (model.windows[5].state, model.windows[5].current) == ("closed", None)


def test_who_a_window_may_call_mirrors_the_server(model: HallModel) -> None:
    tickets = [
        ticket("A001"),
        ticket("D001"),
        ticket("T001", kind="special"),
        ticket("A002", target=1),
    ]
    model.set_waiting(tickets)
    consult, accept = model.windows[1], model.windows[5]
    assert [model.callable_at(consult, t) for t in tickets] == [False, True, False, True]
    assert [model.callable_at(accept, t) for t in tickets] == [True, False, True, False]
    assert [(x.service, x.special, x.normal) for x in model.queue_lines(5)] == [
        ("A", 0, 1),
        ("D", 1, 0),
    ]


def test_events_after_a_late_waiting_list_converge() -> None:
    """The list is fetched after the snapshot; events it already reflects change nothing."""
    m = HallModel()
    m.reset(snapshot(), T0)
    m.set_waiting([ticket("A002")])  # fetched after A001 was called and A002 issued
    m.apply(event(p.TicketIssued, 11, ticket("A001")))  # type: ignore[arg-type]
    m.apply(event(p.TicketCalled, 12, ticket("A001", "called", window=5)))  # type: ignore[arg-type]
    m.apply(event(p.TicketIssued, 13, ticket("A002")))  # type: ignore[arg-type]
    assert sorted(t.number for t in m.waiting.values()) == ["A002"]


def test_waits_use_the_servers_clock_not_this_pcs(model: HallModel) -> None:
    skewed = HallModel()
    pc_clock = T0 - dt.timedelta(minutes=7)  # this PC runs seven minutes slow
    skewed.reset(snapshot(), pc_clock)
    skewed.set_waiting([ticket("A001", issued=T0 - dt.timedelta(minutes=11))])
    later = pc_clock + dt.timedelta(minutes=1)
    assert skewed.oldest_wait_s("A", later) == 12 * 60
    assert [(a.service, a.oldest_wait_s) for a in skewed.alerts(later)] == [("A", 720)]
    assert skewed.alerts(pc_clock - dt.timedelta(minutes=2)) == []


# --- the Desk, against a real server -------------------------------------------------


async def live_desk(
    hall: HallServer, staff: str, window: int | None
) -> tuple[Desk, asyncio.Task[None]]:
    desk = Desk(hall.url)
    await desk.login(staff, PIN, window)

    async def follow() -> None:
        async for _ in desk.follow():
            pass

    task = asyncio.create_task(follow())
    while not (desk.live and desk.model.waiting_complete):
        await asyncio.sleep(0.02)
    return desk, task


async def test_desk_refuses_actions_until_the_link_is_live(hall: HallServer) -> None:
    await issue(hall, "A")
    desk = Desk(hall.url)
    try:
        await desk.login("1005", PIN, 5)
        with pytest.raises(Offline):
            await desk.window_action("call-next")
        assert window_of(await hall_state(hall), 5).current is None  # nothing was sent
    finally:
        await desk.close()


async def test_desk_sends_one_action_at_a_time(hall: HallServer) -> None:
    await issue(hall, "B", "B")
    desk, task = await live_desk(hall, "1005", 5)
    try:
        results = await asyncio.gather(
            desk.window_action("call-next"),
            desk.window_action("call-next"),
            return_exceptions=True,
        )
        assert sum(isinstance(r, Busy) for r in results) == 1
        assert sum(isinstance(r, p.TicketView) for r in results) == 1
        assert [c.number for c in (await hall_state(hall)).recent_calls] == ["B001"]
    finally:
        desk.stop()
        task.cancel()
        await desk.close()


async def test_desk_refuses_the_same_action_again_right_after_its_answer(
    hall: HallServer,
) -> None:
    await issue(hall, "A")
    desk, task = await live_desk(hall, "1005", 5)
    now = [100.0]
    desk.monotonic = lambda: now[0]  # a clock the test moves, not a sleep
    try:
        await desk.window_action("call-next")
        await desk.window_action("recall")
        now[0] += REPEAT_GUARD_S / 2  # a double press outliving a fast answer
        with pytest.raises(Repeated):
            await desk.window_action("recall")
        await desk.window_action("start")  # another action is not held back
        now[0] += REPEAT_GUARD_S / 2
        with pytest.raises(Repeated):
            await desk.window_action("start")
        current = window_of(await hall_state(hall), 5).current
        assert current is not None and (current.call_count, current.state) == (2, "serving")
        now[0] += REPEAT_GUARD_S
        with pytest.raises(ApiFailure):  # past the guard the server decides again
            await desk.window_action("recall")
    finally:
        desk.stop()
        task.cancel()
        await desk.close()


async def test_desk_mirror_follows_another_windows_moves(hall: HallServer) -> None:
    desk, task = await live_desk(hall, "9001", None)
    try:
        await issue(hall, "B")
        async with HallClient(hall.url) as clerk:
            await clerk.login("1002", PIN, 6)
            await clerk.call_next(6)
        for _ in range(200):
            current = desk.model.windows[6].current
            if current is not None:
                break
            await asyncio.sleep(0.02)
        assert current is not None and current.number == "B001"
        assert desk.model.windows[6].staff_id == "1002"
    finally:
        desk.stop()
        task.cancel()
        await desk.close()


async def test_follow_ends_when_the_server_no_longer_knows_the_session(hall: HallServer) -> None:
    desk = Desk(hall.url)
    try:
        session = await desk.login("1001", PIN, 7)
        async with HallClient(hall.url, session.token) as same:
            await same.logout()  # signed out from elsewhere
        updates = [u async for u in desk.follow()]
        assert isinstance(updates[-1], SessionEnded)
        assert not any(isinstance(u, Link) and u.live for u in updates)
    finally:
        await desk.close()
