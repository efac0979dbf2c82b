"""`create_central_app(config)`: the district centre as an aiohttp application."""

from __future__ import annotations

from collections.abc import AsyncIterator

from aiohttp import web

from central import api, cases, store
from central.config import DistrictConfig
from central.errors import error_middleware
from central.keys import CASES, DISTRICT, OPENAPI, POOL, TOKENS
from central.routing import token_table

VERSION = "0.1.0"
# A full batch of the hall's events (5,000 of them at well under 1 KiB each).
MAX_BODY = 8 * 1024 * 1024


def create_central_app(config: DistrictConfig) -> web.Application:
    app = web.Application(middlewares=[error_middleware], client_max_size=MAX_BODY)
    app[DISTRICT] = config
    app[TOKENS] = token_table(config)
    app[CASES] = cases.CaseQuery(config)
    api.routes.install(app)
    app[OPENAPI] = api.routes.openapi(f"OneWindow 一窗通 — {config.centre.name}", VERSION)
    app.cleanup_ctx.append(_database)
    return app


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
