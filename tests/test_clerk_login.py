"""Signing in and out: the keys a clerk types, and a clear word for every refusal."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from textual import events
from textual.pilot import Pilot
from textual.widgets import Button, Input, Label, Static

from intake_tui.app import ClerkApp
from intake_tui.screens.acceptance import AcceptanceScreen
from intake_tui.screens.confirm_dialog import ConfirmDialog
from intake_tui.screens.login import LoginScreen
from intake_tui.widgets.queue_panel import QueuePanel
from onewindow.client import HallClient
from tests.hallserver import HallServer, free_port
from tests.test_clerk_harness import (
    PIN,
    SIZE,
    clerk_app,
    hall_state,
    issue,
    sign_in,
    signed_in,
    start_hall,
    status,
    wait_for,
    window_of,
)


@pytest.fixture(scope="module")
def hall(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HallServer]:
    # One server for the module: each test uses its own staff and windows.
    server = start_hall(tmp_path_factory.mktemp("login"))
    yield server
    server.stop()


def login_message(app: ClerkApp) -> str:
    return str(app.screen.query_one("#login-message", Static).render())


async def refused(pilot: Pilot[None], app: ClerkApp) -> str:
    """The login screen's answer, once the sign-in attempt is over."""

    def answered() -> bool:
        screen = app.screen
        return isinstance(screen, LoginScreen) and not screen.busy and login_message(app) != ""

    await wait_for(pilot, answered, "the answer")
    return login_message(app)


async def test_cursor_starts_at_staff_id_and_the_window_is_not_asked(hall: HallServer) -> None:
    app = clerk_app(hall, 7)
    async with app.run_test(size=SIZE) as pilot:
        assert app.focused is not None and app.focused.id == "staff"
        assert not app.screen.query("#window")  # set up once for this PC
        assert "综合受理7号窗" in str(app.screen.query_one("#login-place", Static).render())
        await pilot.press(*"1001", "tab")
        assert app.focused.id == "pin" and app.focused.password  # type: ignore[union-attr]


async def test_a_burst_of_keys_lands_in_the_right_fields(hall: HallServer) -> None:
    """As tmux, a paste or a badge scanner sends them: all at once, before any is handled."""
    app = clerk_app(hall, 12)
    async with app.run_test(size=SIZE) as pilot:
        for key in [*"1001", "tab", *PIN, "enter"]:
            app.post_message(events.Key(key, key if len(key) == 1 else None))
        await wait_for(pilot, lambda: isinstance(app.screen, AcceptanceScreen), "the sign-in")
        assert window_of(await hall_state(hall), 12).staff_id == "1001"


async def test_wrong_pin_is_said_and_the_pin_cleared(hall: HallServer) -> None:
    app = clerk_app(hall, 7)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "1001", "9999")
        assert await refused(pilot, app) == "工号或密码错误。"
        assert app.screen.query_one("#pin", Input).value == ""
        assert app.focused is not None and app.focused.id == "pin"
        assert window_of(await hall_state(hall), 7).state == "closed"


async def test_five_wrong_pins_lock_the_account(hall: HallServer) -> None:
    app = clerk_app(hall, 8)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "1003", "0000")
        for _ in range(5):
            await refused(pilot, app)
            await pilot.press(*"0000", "enter")
        assert "账号已锁定" in await refused(pilot, app)
        await pilot.press(*PIN, "enter")  # even the right PIN waits out the lock
        assert "账号已锁定" in await refused(pilot, app)


async def test_unknown_window_and_taken_window(hall: HallServer) -> None:
    app = ClerkApp(hall.url, window=99)  # no config on this PC: the server says it
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "1001")
        assert await refused(pilot, app) == "没有 99 号窗口。"
    async with HallClient(hall.url) as other:
        await other.login("1002", PIN, 9)
        app = clerk_app(hall, 9)
        async with app.run_test(size=SIZE) as pilot:
            await sign_in(pilot, "1001")
            assert await refused(pilot, app) == "9 号窗口已有其他人员登录。"


async def test_a_clerk_must_give_a_window_when_the_pc_has_none(hall: HallServer) -> None:
    app = clerk_app(hall, None)
    async with app.run_test(size=SIZE) as pilot:
        assert app.screen.query("#window")
        await sign_in(pilot, "1001", PIN, "")
        assert await refused(pilot, app) == "请选择登录的窗口号。"
        assert app.focused is not None and app.focused.id == "window"


async def test_empty_fields_are_asked_for_before_any_request(hall: HallServer) -> None:
    app = clerk_app(hall, 7)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("tab", "enter")
        assert login_message(app) == "请输入工号。"
        assert app.focused is not None and app.focused.id == "staff"
        await pilot.press(*"1001", "tab", "enter")
        assert login_message(app) == "请输入密码。"


async def test_unreachable_server_is_said_plainly() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    app = ClerkApp(url, window=5)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "1005")
        message = await refused(pilot, app)
        assert message == f"无法连接服务器 {url}：请检查网络，或联系管理员确认服务器已启动。"
        assert isinstance(app.screen, LoginScreen)


async def test_english_switch_words_the_screen_and_the_servers_answers(hall: HallServer) -> None:
    app = clerk_app(hall, 7)
    async with app.run_test(size=SIZE) as pilot:
        assert str(app.screen.query_one("#staff-label", Label).render()) == "工号"
        await pilot.press("f10")
        assert str(app.screen.query_one("#staff-label", Label).render()) == "Staff ID"
        await sign_in(pilot, "1001", "9999")
        assert await refused(pilot, app) == "Wrong staff ID or PIN."


async def test_sign_out_closes_the_window_and_returns_to_login(hall: HallServer) -> None:
    app = clerk_app(hall, 10)
    async with app.run_test(size=SIZE) as pilot:
        await signed_in(pilot, "1001")
        assert window_of(await hall_state(hall), 10).state == "open"
        await pilot.press("f12")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog), "the question")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, LoginScreen), "the login screen")
        assert "已签退" in login_message(app)
        assert window_of(await hall_state(hall), 10).state == "closed"


async def test_sign_out_is_refused_while_a_visitor_is_served(hall: HallServer) -> None:
    await issue(hall, "C")
    app = clerk_app(hall, 11)
    async with app.run_test(size=SIZE) as pilot:
        screen = await signed_in(pilot, "1002")
        await pilot.press("f1")
        await wait_for(pilot, lambda: "已呼叫" in status(app), "the call")
        await pilot.press("f3")
        await wait_for(pilot, lambda: "开始办理" in status(app), "the start")
        await pilot.press("f12", "enter")
        await wait_for(pilot, lambda: "正在办理" in status(app), "the refusal")
        assert app.screen is screen and isinstance(screen, AcceptanceScreen)
        assert window_of(await hall_state(hall), 11).state == "open"


async def test_a_session_ended_elsewhere_returns_to_login(hall: HallServer) -> None:
    app = clerk_app(hall, 13)
    async with app.run_test(size=SIZE) as pilot:
        await signed_in(pilot, "1001")
        assert app.desk.session is not None
        async with HallClient(hall.url, app.desk.session.token) as same_token:
            await same_token.logout()  # an administrator or another PC ended it
        await pilot.press("f1")
        await wait_for(pilot, lambda: isinstance(app.screen, LoginScreen), "the login screen")
        assert "登录已失效" in login_message(app)
        assert app.desk.session is None


async def test_english_switch_on_a_working_screen(hall: HallServer) -> None:
    app = clerk_app(hall, 14)
    async with app.run_test(size=SIZE) as pilot:
        screen = await signed_in(pilot, "1001")
        call_key = screen.query_one("#key-call_next", Button)
        assert str(call_key.label) == "F1 叫号"
        await pilot.press("f10")
        assert str(call_key.label) == "F1 Call next"
        assert all(w.lang == "en" for w in screen.query(QueuePanel))
        await pilot.press("f1")
        await wait_for(pilot, lambda: status(app) == "Nobody is waiting for this window.", "f1")


async def test_ctrl_c_explains_quitting_in_the_clerks_language(hall: HallServer) -> None:
    app = clerk_app(hall, None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+c")
        await pilot.pause()
        said = [n.message + (n.title or "") for n in app._notifications]
        assert said == ["要退出程序请按 Ctrl+Q（不会签退）；签退请用签退键。"]
