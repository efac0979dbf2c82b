"""The acceptance window's day, driven through the keys against a real server."""

from __future__ import annotations

from textual import events

from intake_tui.screens.pause_dialog import PauseDialog
from intake_tui.screens.transfer_dialog import TransferDialog
from intake_tui.widgets.current_ticket import CurrentTicket
from intake_tui.widgets.key_bar import KeyBar
from intake_tui.widgets.recent_calls import RecentCalls
from intake_tui.widgets.status_line import StatusLine
from onewindow.client import HallClient
from onewindow.i18n import text
from tests.hallserver import HallServer
from tests.test_clerk_harness import (
    PIN,
    SIZE,
    StepClock,
    clerk_app,
    hall_state,
    issue,
    signed_in,
    status,
    type_text,
    wait_for,
    window_of,
)


async def test_login_call_next_start_and_finish(hall: HallServer) -> None:
    a001, _ = await issue(hall, "A", "B")
    app = clerk_app(hall, 5)
    async with app.run_test(size=SIZE) as pilot:
        screen = await signed_in(pilot, "1005")
        assert window_of(await hall_state(hall), 5).staff_id == "1005"

        await pilot.press("f1")
        await wait_for(pilot, lambda: screen.query_one(CurrentTicket).ticket is not None, "called")
        assert "A001" in status(app)
        served = window_of(await hall_state(hall), 5).current
        assert served is not None and served.id == a001.id and served.state == "called"

        await pilot.press("f3")
        await wait_for(pilot, lambda: "开始办理 A001" in status(app), "started")
        assert window_of(await hall_state(hall), 5).current.state == "serving"  # type: ignore[union-attr]

        await pilot.press("f4")
        await wait_for(pilot, lambda: screen.query_one(CurrentTicket).ticket is None, "finished")
        state = await hall_state(hall)
        assert window_of(state, 5).current is None
        assert {s.code: s.waiting for s in state.services}["B"] == 1  # B001 still waits


async def test_double_press_of_call_next_calls_one_ticket(hall: HallServer) -> None:
    await issue(hall, "A", "A", "A")
    app = clerk_app(hall, 5)
    async with app.run_test(size=SIZE) as pilot:
        screen = await signed_in(pilot, "1005")
        said: list[str] = []
        screen.watch(screen.query_one(StatusLine), "message", lambda m: said.append(m), init=False)
        # Two presses queued back to back, as a key bounce or an impatient double tap
        # delivers them: the second is handled before the first call has been answered.
        app.post_message(events.Key("f1", None))
        app.post_message(events.Key("f1", None))
        await wait_for(pilot, lambda: any("A001" in m for m in said), "the call")
        await wait_for(pilot, lambda: not screen.busy, "the call to finish")
        state = await hall_state(hall)
        assert [c.number for c in state.recent_calls] == ["A001"]
        assert {s.code: s.waiting for s in state.services}["A"] == 2
        assert said[0] == text("clerk.error.busy")  # the second press, refused here

        app.desk.monotonic = clock = StepClock()
        clock.step()  # a press well after the first reaches the server, which refuses it
        await pilot.press("f1")
        await wait_for(pilot, lambda: "未办结" in status(app), "the server's refusal")
        state = await hall_state(hall)
        assert [c.number for c in state.recent_calls] == ["A001"]


async def test_double_press_of_recall_recalls_once(hall: HallServer) -> None:
    await issue(hall, "A")
    app = clerk_app(hall, 5)
    async with app.run_test(size=SIZE) as pilot:
        screen = await signed_in(pilot, "1005")
        await pilot.press("f1")
        await wait_for(pilot, lambda: "已呼叫" in status(app), "the call")
        # one press after the other, each after the last was answered: on loopback the
        # answer comes faster than a finger's double press
        await pilot.press("f2")
        await wait_for(pilot, lambda: "第 2 次" in status(app) and not screen.busy, "recall")
        await pilot.press("f2")
        await wait_for(pilot, lambda: status(app) == text("clerk.error.repeated"), "the guard")
        current = window_of(await hall_state(hall), 5).current
        assert current is not None and current.call_count == 2


async def test_buttons_are_disabled_while_a_call_is_in_flight(hall: HallServer) -> None:
    await issue(hall, "A")
    app = clerk_app(hall, 5)
    async with app.run_test(size=SIZE) as pilot:
        screen = await signed_in(pilot, "1005")
        bar = screen.query_one(KeyBar)
        seen_busy: list[bool] = []
        screen.watch(screen, "busy", lambda busy: seen_busy.append(bar.busy), init=False)
        await pilot.click("#key-call_next")
        await wait_for(pilot, lambda: len(seen_busy) >= 2, "the call to come and go")
        assert seen_busy[:2] == [True, False]
        assert not bar.busy
        assert window_of(await hall_state(hall), 5).current is not None


async def test_recall_then_no_show_only_after_the_configured_recalls(hall: HallServer) -> None:
    await issue(hall, "A")
    app = clerk_app(hall, 5)
    async with app.run_test(size=SIZE) as pilot:
        screen = await signed_in(pilot, "1005")
        await pilot.press("f1")
        await wait_for(pilot, lambda: screen.query_one(CurrentTicket).ticket is not None, "call")
        await pilot.press("f5")  # too early: the server says how many recalls are left
        await wait_for(pilot, lambda: "还需重呼 2 次" in status(app), "recalls_left")
        app.desk.monotonic = clock = StepClock()
        for count in (2, 3):
            clock.step()  # each recall meant, not a double press
            await pilot.press("f2")
            await wait_for(pilot, lambda c=count: f"第 {c} 次" in status(app), f"recall {count}")
        await pilot.press("f5")
        await wait_for(pilot, lambda: "过号" in status(app), "no-show")
        assert window_of(await hall_state(hall), 5).current is None


async def test_transfer_dialog_checks_its_values_before_sending(hall: HallServer) -> None:
    await issue(hall, "A")
    app = clerk_app(hall, 5)
    async with app.run_test(size=SIZE) as pilot:
        screen = await signed_in(pilot, "1005")
        await pilot.press("f1")
        await wait_for(pilot, lambda: screen.query_one(CurrentTicket).ticket is not None, "call")
        await pilot.press("f6")
        await wait_for(pilot, lambda: isinstance(app.screen, TransferDialog), "the dialog")
        await pilot.press("enter")
        assert "至少一项" in str(app.screen.query_one("#dialog-error").render())
        await type_text(pilot, "Q")
        await pilot.press("enter")
        assert "没有业务“Q”" in str(app.screen.query_one("#dialog-error").render())
        await pilot.press("backspace", "tab")
        await type_text(pilot, "5")
        await pilot.press("enter")
        assert "不能转到本窗口" in str(app.screen.query_one("#dialog-error").render())
        await pilot.press("backspace")
        await type_text(pilot, "4")
        await pilot.press("enter")
        assert "导办台" in str(app.screen.query_one("#dialog-error").render())
        await pilot.press("backspace", "shift+tab")
        await type_text(pilot, "b")
        await pilot.press("enter")
        await wait_for(pilot, lambda: "已转移" in status(app), "transferred")
        state = await hall_state(hall)
        assert window_of(state, 5).current is None
        assert {s.code: s.waiting for s in state.services}["B"] == 1


async def test_pause_with_a_reason_then_resume(hall: HallServer) -> None:
    app = clerk_app(hall, 5)
    async with app.run_test(size=SIZE) as pilot:
        await signed_in(pilot, "1005")
        await pilot.press("f7")
        await wait_for(pilot, lambda: isinstance(app.screen, PauseDialog), "the dialog")
        await type_text(pilot, "lunch")
        await pilot.press("enter")
        await wait_for(pilot, lambda: "暂停" in status(app), "paused")
        w = window_of(await hall_state(hall), 5)
        assert (w.state, w.pause_reason) == ("paused", "lunch")
        await pilot.press("f7")  # a paused window resumes with the same key
        await wait_for(pilot, lambda: "恢复" in status(app), "resumed")
        assert window_of(await hall_state(hall), 5).state == "open"


async def test_call_a_chosen_number(hall: HallServer) -> None:
    await issue(hall, "A", "A", "B")
    app = clerk_app(hall, 5)
    async with app.run_test(size=SIZE) as pilot:
        screen = await signed_in(pilot, "1005")
        await pilot.press("f8")
        await type_text(pilot, "b1x")
        await pilot.press("enter")
        assert "不是有效的号码" in str(app.screen.query_one("#dialog-error").render())
        await pilot.press("backspace", "enter")  # "b1" is B001, as the visitor says it
        await wait_for(pilot, lambda: screen.query_one(CurrentTicket).ticket is not None, "call")
        current = window_of(await hall_state(hall), 5).current
        assert current is not None and current.number == "B001"


async def test_calling_at_a_paused_window_names_the_state_in_the_clerks_words(
    hall: HallServer,
) -> None:
    await issue(hall, "A")
    app = clerk_app(hall, 5)
    async with app.run_test(size=SIZE) as pilot:
        await signed_in(pilot, "1005")
        await pilot.press("f7")
        await wait_for(pilot, lambda: isinstance(app.screen, PauseDialog), "the dialog")
        await pilot.press("enter")
        await wait_for(pilot, lambda: "暂停" in status(app), "paused")
        await pilot.press("f1")
        await wait_for(pilot, lambda: "不能叫号" in status(app), "the refusal")
        assert "paused" not in status(app) and "暂停" in status(app)


async def serve_calls(server: HallServer, staff: str, window: int, count: int) -> list[str]:
    """`count` visitors called, served and finished at `window`, through the API."""
    await issue(server, *["A"] * count)
    async with HallClient(server.url) as clerk:
        await clerk.login(staff, PIN, window)
        numbers = []
        for _ in range(count):
            ticket = await clerk.call_next(window)
            assert ticket is not None
            numbers.append(ticket.number)
            await clerk.window_action(window, "start")
            await clerk.window_action(window, "finish")
        await clerk.logout()
    return numbers


async def test_window_calls_of_the_day_survive_a_busy_hall_and_a_restart(
    hall: HallServer,
) -> None:
    own = await serve_calls(hall, "1002", 6, 3)
    await serve_calls(hall, "1003", 7, 25)  # more than the hall-wide recent calls hold
    hall.stop()
    hall.start()
    app = clerk_app(hall, 6)
    async with app.run_test(size=SIZE) as pilot:
        screen = await signed_in(pilot, "1005")
        calls = screen.query_one(RecentCalls)
        await wait_for(pilot, lambda: len(calls.calls) == 3, "the window's calls")
        assert [c.number for c in calls.calls] == own[::-1]
