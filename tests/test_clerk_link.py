"""Connection trouble: the screen says so at once, refuses actions, and recovers alone."""

from __future__ import annotations

import asyncio

from intake_tui.app import ClerkApp
from intake_tui.widgets.current_ticket import CurrentTicket
from intake_tui.widgets.key_bar import KeyBar
from intake_tui.widgets.link_banner import LinkBanner
from intake_tui.widgets.queue_panel import QueuePanel
from onewindow.config import load_config
from onewindow.i18n import text
from tests.hallserver import HallServer
from tests.test_clerk_harness import (
    SIZE,
    clerk_app,
    hall_state,
    issue,
    signed_in,
    status,
    wait_for,
    window_of,
)


def a_line(app: ClerkApp) -> int:
    return next(
        line.total for line in app.screen.query_one(QueuePanel).lines if line.service == "A"
    )


async def test_server_killed_and_restarted_the_screen_recovers(hall: HallServer) -> None:
    await issue(hall, "A", "A")
    app = clerk_app(hall, 5)
    async with app.run_test(size=SIZE) as pilot:
        screen = await signed_in(pilot, "1005")
        await pilot.press("f1")
        await wait_for(pilot, lambda: screen.query_one(CurrentTicket).ticket is not None, "call")
        banner = screen.query_one(LinkBanner)
        assert not banner.display

        hall.kill()
        await wait_for(pilot, lambda: app.link == "down", "the link to drop")
        assert banner.display and banner.has_class("-down")
        assert screen.has_class("-stale")
        assert screen.query_one(KeyBar).busy  # the buttons are off too
        assert screen.query_one(CurrentTicket).ticket is not None  # last known, kept
        await pilot.press("f4")
        assert status(app) == text("clerk.error.offline")

        hall.start()
        await wait_for(pilot, lambda: app.link == "live", "the link to come back")
        assert not banner.display and not screen.has_class("-stale")
        assert app.desk.model.resets == 1  # resumed by `since`, not a fresh snapshot
        current = window_of(await hall_state(hall), 5).current
        assert current is not None and current.state == "called"  # F4 was not queued

        await issue(hall, "A")  # the live stream works again
        await wait_for(pilot, lambda: a_line(app) == 2, "the new ticket in the queue panel")
        await pilot.press("f4")
        await wait_for(pilot, lambda: screen.query_one(CurrentTicket).ticket is None, "finish")
        assert window_of(await hall_state(hall), 5).current is None


class Cable:
    """A TCP relay between the clerk terminal and the server that a test can cut."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.cut = False
        self.writers: set[asyncio.StreamWriter] = set()
        self.server: asyncio.Server | None = None

    async def start(self) -> str:
        self.server = await asyncio.start_server(self._relay, "127.0.0.1", 0)
        return f"http://127.0.0.1:{self.server.sockets[0].getsockname()[1]}"

    async def _relay(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self.cut:
            writer.close()
            return
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        self.writers |= {writer, up_writer}
        await asyncio.gather(self._pipe(reader, up_writer), self._pipe(up_reader, writer))

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except OSError:
            pass
        finally:
            writer.close()

    def pull_out(self) -> None:
        self.cut = True
        for writer in self.writers:
            writer.close()
        self.writers.clear()

    def plug_in(self) -> None:
        self.cut = False

    def close(self) -> None:
        self.pull_out()
        if self.server is not None:
            self.server.close()


async def test_events_missed_while_the_network_was_cut_are_caught_up(hall: HallServer) -> None:
    cable = Cable(hall.port)
    url = await cable.start()
    app = ClerkApp(url, window=5, config=load_config(hall.config))
    try:
        async with app.run_test(size=SIZE) as pilot:
            await signed_in(pilot, "1005")
            assert a_line(app) == 0
            cable.pull_out()
            await wait_for(pilot, lambda: app.link == "down", "the link to drop")
            await issue(hall, "A", "A", "A")  # the hall goes on while this PC is cut off
            seq = app.desk.model.seq
            assert a_line(app) == 0
            cable.plug_in()
            await wait_for(pilot, lambda: a_line(app) == 3, "the missed tickets")
            assert app.link == "live"
            assert app.desk.model.resets == 1 and app.desk.model.seq > seq  # by `since`
    finally:
        cable.close()
