"""The application's typed keys, in one place."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiohttp import web

if TYPE_CHECKING:
    from onewindow.config import Config
    from queue_server.http.stream import Hub
    from queue_server.intake import Intake
    from queue_server.ratings import Ratings
    from queue_server.service import HallService
    from queue_server.sessions import Sessions

CONFIG: web.AppKey[Config] = web.AppKey("config")
SERVICE: web.AppKey[HallService] = web.AppKey("service")
SESSIONS: web.AppKey[Sessions] = web.AppKey("sessions")
HUB: web.AppKey[Hub] = web.AppKey("hub")
OPENAPI: web.AppKey[dict[str, Any]] = web.AppKey("openapi")
INTAKE: web.AppKey[Intake] = web.AppKey("intake")
RATINGS: web.AppKey[Ratings] = web.AppKey("ratings")
