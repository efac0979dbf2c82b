"""Browser pages served by the hall server (filled in by its feature)."""

from __future__ import annotations

from queue_server.routing import Routes

routes = Routes()
