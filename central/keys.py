"""The centre application's typed keys, in one place."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiohttp import web

if TYPE_CHECKING:
    from psycopg_pool import AsyncConnectionPool

    from central.cases import CaseQuery
    from central.config import DistrictConfig
    from central.monitor import Monitor
    from queue_server.auth import Principal

DISTRICT: web.AppKey[DistrictConfig] = web.AppKey("district")
POOL: web.AppKey[AsyncConnectionPool] = web.AppKey("pool")
TOKENS: web.AppKey[dict[str, Principal]] = web.AppKey("tokens")
OPENAPI: web.AppKey[dict[str, Any]] = web.AppKey("central_openapi")
MONITOR: web.AppKey[Monitor] = web.AppKey("monitor")
CASES: web.AppKey[CaseQuery] = web.AppKey("case_query")
