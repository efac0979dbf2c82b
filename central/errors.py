"""Every refusal of the centre as `{"error": {"code", "message"}}`, never a 500."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

import msgspec
import psycopg
import psycopg_pool
from aiohttp import web

from onewindow import i18n
from onewindow import protocol as p
from queue_server.http.errors import ApiError

log = logging.getLogger(__name__)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
_HTTP_CODES = {
    400: "bad_json",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "body_too_large",
}


def error_response(
    request: web.Request, status: int, code: str, detail: dict[str, object] | None = None
) -> web.Response:
    lang = i18n.pick_language(request.headers.get("Accept-Language"))
    message = i18n.text(f"central.{code}", lang, **(detail or {}))
    body = p.ErrorBody(error=p.ErrorDetail(code=code, message=message))
    return web.Response(status=status, body=p.encode(body), content_type="application/json")


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except ApiError as e:
        return error_response(request, e.status, e.code, e.detail)
    except web.HTTPException as e:
        if e.status < 400:
            raise
        return error_response(request, e.status, _HTTP_CODES.get(e.status, "invalid_body"))
    except msgspec.ValidationError as e:
        return error_response(request, 422, "invalid_body", {"reason": str(e)})
    except msgspec.DecodeError:
        return error_response(request, 400, "bad_json")
    except (psycopg.OperationalError, psycopg_pool.PoolTimeout) as e:
        # The hall keeps its events and tries again: nothing was acked.
        log.error("database unavailable on %s %s: %s", request.method, request.path, e)
        return error_response(request, 503, "database_unavailable")
    except Exception:
        log.exception("unexpected error on %s %s", request.method, request.path)
        return error_response(request, 500, "internal")
