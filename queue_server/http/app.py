"""`create_app(config)`: the hall server as an aiohttp application."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from pathlib import Path

from aiohttp import web

from onewindow.catalogue import Catalogue
from onewindow.catalogue_file import load_catalogue
from onewindow.config import Config
from onewindow.workdays import WorkCalendar
from queue_server import uplink
from queue_server.http import (
    api_cases,
    api_hall,
    api_ratings,
    api_reports,
    api_tickets,
    api_uplink,
    api_windows,
    pages_display,
    pages_intake,
    pages_ticket,
)
from queue_server.http.errors import error_middleware
from queue_server.http.keys import CONFIG, HUB, INTAKE, OPENAPI, RATINGS, SERVICE, SESSIONS
from queue_server.http.routing import Routes
from queue_server.http.stream import Hub
from queue_server.intake import Intake
from queue_server.ratings import Ratings
from queue_server.rules.cases import CaseRules
from queue_server.service import Clock, HallService
from queue_server.sessions import Sessions
from queue_server.store.storage import Storage, StorageError

log = logging.getLogger(__name__)
MAX_BODY = 64 * 1024
TICK_S = 30.0
VERSION = "0.1.0"
ROUTE_TABLES: list[Routes] = [
    api_hall.routes,
    api_tickets.routes,
    api_windows.routes,
    api_cases.routes,
    api_ratings.routes,
    api_reports.routes,
    pages_display.routes,
    pages_ticket.routes,
    pages_intake.routes,
    api_uplink.routes,
]
STATIC = Path(__file__).with_name("static")


def create_app(
    config: Config, db_path: str | Path | None = None, *, sim_clock: bool = False
) -> web.Application:
    app = web.Application(middlewares=[error_middleware], client_max_size=MAX_BODY)
    storage = Storage(db_path or config.db_path, config.server.synchronous)
    clock = Clock(config.hall.tz, simulated=sim_clock)
    hub_box: list[Hub] = []
    service = HallService(config, storage, clock, lambda events: hub_box[0].publish(events))
    hub = Hub(service)
    hub_box.append(hub)
    app[CONFIG] = config
    app[SERVICE] = service
    app[SESSIONS] = Sessions(service)
    app[HUB] = hub
    calendar = WorkCalendar(config.holidays, config.workdays)
    rules = CaseRules(calendar, config.cases.warning_days)
    app[INTAKE] = Intake(service, load_hall_catalogue(config), rules)
    app[RATINGS] = Ratings(service)
    for table in ROUTE_TABLES:
        table.install(app)
    app.router.add_static("/static/", STATIC, append_version=True)
    app[OPENAPI] = _openapi(config)
    app.cleanup_ctx.append(_run_hall)
    if config.uplink is not None:
        uplink.install(app, config.uplink, storage, config.hall.tz)
    app.on_shutdown.append(_close_streams)
    app.on_response_prepare.append(_edge_headers)
    return app


# On every answer (pages, API, static files): pages that need more set their own CSP.
_EDGE_HEADERS = {
    "Server": "OneWindow",  # no version: it only helps someone looking for a known hole
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
}


async def _edge_headers(request: web.Request, response: web.StreamResponse) -> None:
    for name, value in _EDGE_HEADERS.items():
        response.headers.setdefault(name, value)
    response.headers["Server"] = _EDGE_HEADERS["Server"]


def load_hall_catalogue(config: Config) -> Catalogue:
    """The catalogue named by `[catalogue] file` (raises `CatalogueError` naming the line)."""
    if not config.catalogue.file:
        return Catalogue([])
    codes = [s.code for s in config.services]
    return load_catalogue(config.resolve(config.catalogue.file), codes)


async def _close_streams(app: web.Application) -> None:
    """Open screens are told to go (and resume) before shutdown waits on handlers."""
    await app[HUB].close_all()


def _openapi(config: Config) -> dict[str, object]:
    doc = Routes()
    for table in ROUTE_TABLES:
        doc.routes.extend(table.routes)
    return doc.openapi(f"OneWindow 一窗通 — {config.hall.name}", VERSION)


async def _run_hall(app: web.Application) -> AsyncIterator[None]:
    service, sessions, hub = app[SERVICE], app[SESSIONS], app[HUB]
    service.storage.open()
    start_events = service.load(sessions.load())
    app[INTAKE].load()
    app[RATINGS].load()
    if start_events:
        await service.save(start_events, service.clock.now())
    ticker = asyncio.create_task(_tick(app))
    yield
    ticker.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await ticker
    await hub.close_all()
    sessions.close()
    service.storage.close()


async def _tick(app: web.Application) -> None:
    """The day rollover and the case deadlines happen on time without any request."""
    while True:
        await asyncio.sleep(TICK_S)
        await tick_once(app)


async def tick_once(app: web.Application) -> None:
    try:
        await app[SERVICE].tick()
        await app[INTAKE].check_deadlines()
    except StorageError:
        pass  # logged where it happened; the next tick tries again
