"""`create_central_app(config)`: the district centre as an aiohttp application."""

from __future__ import annotations

from collections.abc import AsyncIterator

from aiohttp import web

from central import api, cases, monitor_pages, store
from central.config import DistrictConfig
from central.errors import error_middleware
from central.keys import CASES, DISTRICT, MONITOR, OPENAPI, POOL, TOKENS
from central.monitor import Monitor
from central.routing import CentralRoutes, token_table

VERSION = "0.1.0"
# A full batch of the hall's events (5,000 of them at well under 1 KiB each).
MAX_BODY = 8 * 1024 * 1024
ROUTE_TABLES: list[CentralRoutes] = [api.routes, monitor_pages.routes]


def create_central_app(config: DistrictConfig) -> web.Application:
    app = web.Application(middlewares=[error_middleware], client_max_size=MAX_BODY)
    app[DISTRICT] = config
    app[TOKENS] = token_table(config)
    app[CASES] = cases.CaseQuery(config)
    doc = CentralRoutes()
    for table in ROUTE_TABLES:
        table.install(app)
        doc.routes.extend(table.routes)
    monitor_pages.install_static(app)
    app[OPENAPI] = doc.openapi(f"OneWindow 一窗通 — {config.centre.name}", VERSION)
    app.cleanup_ctx.append(_database)
    app.cleanup_ctx.append(_monitor)
    app.on_shutdown.append(_close_monitors)
    app.on_response_prepare.append(_edge_headers)
    return app


async def _close_monitors(app: web.Application) -> None:
    # Before shutdown waits on the open handlers: a monitor's websocket never ends itself.
    if MONITOR in app:
        await app[MONITOR].close_screens()


async def _database(app: web.Application) -> AsyncIterator[None]:
    config = app[DISTRICT]
    pool = await store.open_pool(config.centre.database, config.centre.pool_size)
    try:
        await store.prepare(pool, config)
    except BaseException:
        await pool.close()
        raise
    app[POOL] = pool
    yield
    await pool.close()


async def _monitor(app: web.Application) -> AsyncIterator[None]:
    # After the pool (cleanup_ctx stops in reverse): monitors are closed before the pool.
    monitor = Monitor(app[POOL], app[DISTRICT])
    app[MONITOR] = monitor
    monitor.start()
    yield
    await monitor.close()


# On every answer, as on the hall: the monitor page sets its own, wider CSP.
_EDGE_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
}


async def _edge_headers(request: web.Request, response: web.StreamResponse) -> None:
    for name, value in _EDGE_HEADERS.items():
        response.headers.setdefault(name, value)
    response.headers["Server"] = "OneWindow"  # no version: it only helps an attacker
