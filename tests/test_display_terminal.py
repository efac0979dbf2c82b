"""The terminal screen against a real server: resume after kill and restart, the CLI."""

from __future__ import annotations

import asyncio
import os
import shlex
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from display.screen import ScreenOptions, TerminalScreen, run_tasks
from onewindow import protocol as p
from onewindow.client import HallClient
from tests.hallserver import DEMO_PIN, ROOT, HallServer

DISPLAY_TOKEN = "demo-display-token"
CLERKS = {5: "1001", 6: "1002", 7: "1003", 9: "1005"}


class Hall:
    def __init__(self, url: str) -> None:
        self.kiosk = HallClient(url, "demo-kiosk-token")
        self.clerks = {window: HallClient(url) for window in CLERKS}
        self.made: list[tuple[str, int, int]] = []  # (number, window, call count) in order

    async def open(self) -> None:
        for window, staff in CLERKS.items():
            await self.clerks[window].login(staff, DEMO_PIN, window)
        for service in "AAAAAAAAAAAAAAAAAAAA":
            await self.kiosk.issue_ticket(service)

    async def call(self, window: int, action: str = "call-next") -> str:
        """Finish what the window holds (unless recalling), then call."""
        clerk = self.clerks[window]
        if action == "call-next":
            held = next(w for w in (await clerk.state()).windows if w.number == window)
            if held.current is not None:
                await clerk.window_action(window, "finish")
        ticket = await clerk.window_action(window, action)
        assert ticket is not None
        self.made.append((ticket.number, window, ticket.call_count))
        return ticket.number

    async def close(self) -> None:
        for client in (self.kiosk, *self.clerks.values()):
            await client.close()


@pytest.fixture
async def hall(hall_server: HallServer) -> AsyncIterator[Hall]:
    people = Hall(hall_server.url)
    await people.open()
    yield people
    await people.close()


async def until(condition: Callable[[], bool], what: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


async def settled(screen: TerminalScreen, client: HallClient) -> p.StateSnapshot:
    """The server's state once the board has caught up with it (the server may still
    commit a coalesced queue.changed after a call, so compare at an equal seq)."""
    deadline = time.monotonic() + 10
    while True:
        state = await client.state()
        if screen.board.seq == state.seq:
            return state
        if time.monotonic() > deadline:
            raise AssertionError(f"board at seq {screen.board.seq}, server at {state.seq}")
        await asyncio.sleep(0.1)


async def test_terminal_screen_resumes_after_kill_and_restart_missing_no_call_and_none_twice(
    hall_server: HallServer, hall: Hall, tmp_path: Path
) -> None:
    spoken = tmp_path / "spoken.txt"
    voice = f"sh -c 'echo \"$0\" >> {shlex.quote(str(spoken))}' {{text}}"
    screen = TerminalScreen(ScreenOptions(hall_server.url, DISPLAY_TOKEN, voice_command=voice))
    task = asyncio.create_task(run_tasks(screen))
    try:
        await until(lambda: screen.live and screen.board.loaded, "the screen to load")
        await hall.call(5)
        await hall.call(6)
        await until(lambda: len(screen.calls) == 2, "two calls")

        hall_server.kill()  # SIGKILL: no goodbye on the socket
        await until(lambda: not screen.live, "the link to drop")
        hall_server.start()
        await hall.call(7)
        await hall.call(5, "recall")
        await until(lambda: screen.live and len(screen.calls) == 4, "four calls")

        hall_server.stop()  # SIGTERM: the server closes the socket itself
        hall_server.start()
        await hall.call(9)
        await hall.call(6)
        state = await settled(screen, hall.kiosk)
        speaker = screen.voice
        assert speaker is not None
        await until(lambda: speaker.idle and len(speaker.spoken) == 18, "the voice to finish")
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)

    assert [(c.number, c.window, c.call_count) for c in screen.calls] == hall.made
    assert screen.links >= 3
    # The board equals a fresh snapshot: nothing lost, nothing applied twice.
    shown = {n: s.current.number if s.current else None for n, s in screen.board.windows.items()}
    assert shown == {w.number: w.current.number if w.current else None for w in state.windows}
    assert {s.code: s.waiting for s in screen.board.services} == {
        s.code: s.waiting for s in state.services
    }
    # Voice: each call in order, zh twice (announce_repeat = 2), then English once.
    lines = spoken.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 3 * len(hall.made)
    assert lines[0] == lines[1] == "请 A 零 零 一 号，到 五 号窗口办理"
    assert lines[2] == "Number A 0 0 1, please go to window 5."
    assert lines[9] == lines[10] == "请 A 零 零 一 号，到 五 号窗口办理"  # the recall


def display_cli(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "onewindow_cli.cli", "display", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ, PYTHONUNBUFFERED="1"),
    )


def read_lines(
    proc: subprocess.Popen[str], count: int, timeout: float = 15.0, stderr: bool = False
) -> list[str]:
    """The next `count` lines of the process's output (a thread keeps the wait bounded)."""
    import threading

    lines: list[str] = []
    stream = proc.stderr if stderr else proc.stdout

    def reader() -> None:
        assert stream is not None
        while len(lines) < count:
            line = stream.readline()
            if not line:
                return
            lines.append(line.rstrip("\n"))

    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    thread.join(timeout)
    return lines


async def test_plain_cli_prints_each_call_once_across_a_restart(
    hall_server: HallServer, hall: Hall
) -> None:
    board = display_cli(
        "--server", hall_server.url, "--token", DISPLAY_TOKEN, "--plain", "--lang", "zh"
    )
    window = display_cli(
        "--server",
        hall_server.url,
        "--token",
        DISPLAY_TOKEN,
        "--plain",
        "--window",
        "6",
        "--lang",
        "zh",
    )
    try:
        for proc in (board, window):  # calls made before a screen is up are not news to it
            assert "已连接" in read_lines(proc, 1, stderr=True)[0]
        assert read_lines(window, 1) == ["-"]
        first = await hall.call(6)
        assert read_lines(window, 1) == [first]
        hall_server.stop()
        hall_server.start()
        second = await hall.call(5)
        third = await hall.call(6)  # finishes the first, then calls
        shown = read_lines(window, 1)
        if shown == ["-"]:  # the screen may catch the moment between finish and call
            shown = read_lines(window, 1)
        assert shown == [third]
        lines = read_lines(board, 3)
        assert [line.split(" ", 1)[1] for line in lines] == [
            f"请 {first} 号到 6 号窗口办理",
            f"请 {second} 号到 5 号窗口办理",
            f"请 {third} 号到 6 号窗口办理",
        ]
    finally:
        for proc in (board, window):
            proc.terminate()
            proc.wait(5)
    assert board.stderr is not None
    log = board.stderr.read()
    assert "正在重新连接" in log and "Traceback" not in log


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--token", "not-a-token"], "显示屏令牌无效"),
        (["--token", ""], "缺少显示屏令牌"),
        (["--token", DISPLAY_TOKEN, "--window", "99"], "没有 99 号窗口"),
    ],
)
def test_cli_stops_with_a_clear_message_on_a_bad_token_or_window(
    hall_server: HallServer, args: list[str], message: str
) -> None:
    proc = display_cli("--server", hall_server.url, "--plain", *args)
    _, err = proc.communicate(timeout=15)
    assert proc.returncode == 2
    assert message in err and "Traceback" not in err


def test_cli_names_a_bad_server_address() -> None:
    proc = display_cli("--server", "127.0.0.1:8080", "--token", DISPLAY_TOKEN)
    _, err = proc.communicate(timeout=15)
    assert proc.returncode == 2
    assert "服务器地址无效：127.0.0.1:8080" in err and "Traceback" not in err
