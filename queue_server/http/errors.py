"""Every refusal as `{"error": {"code", "message"}}` in the caller's language, never a 500."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

import msgspec
from aiohttp import web

from onewindow import i18n
from onewindow import protocol as p
from queue_server import rules
from queue_server.store.storage import StorageError

log = logging.getLogger(__name__)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

_STATUS = {
    rules.BadCommand: 422,
    rules.NotFound: 404,
    rules.IllegalMove: 409,
    rules.Forbidden: 403,
    rules.NotSignedIn: 401,
    rules.Limited: 429,
    rules.Unavailable: 503,
}
_HTTP_CODES = {
    400: "bad_json",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "body_too_large",
}


class ApiError(Exception):
    """A refusal decided at the HTTP edge (auth, body, headers)."""

    def __init__(self, status: int, code: str, **detail: object) -> None:
        super().__init__(code)
        self.status = status
        self.code = code
        self.detail = detail


def error_response(
    request: web.Request, status: int, code: str, detail: dict[str, object] | None = None
) -> web.Response:
    lang = i18n.pick_language(request.headers.get("Accept-Language"))
    message = i18n.text(f"errors.{code}", lang, **(detail or {}))
    body = p.ErrorBody(error=p.ErrorDetail(code=code, message=message))
    headers = {}
    if status == 429 and detail and "minutes" in detail:
        headers["Retry-After"] = str(int(detail["minutes"]) * 60)  # type: ignore[call-overload]
    return web.Response(
        status=status, body=p.encode(body), content_type="application/json", headers=headers
    )


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except ApiError as e:
        return error_response(request, e.status, e.code, e.detail)
    except rules.QueueError as e:
        return error_response(request, _STATUS.get(type(e), 409), e.code, e.detail)
    except StorageError as e:
        return error_response(request, 503, e.code)
    except web.HTTPException as e:
        if e.status < 400:
            raise
        return error_response(request, e.status, _HTTP_CODES.get(e.status, "invalid_body"))
    except msgspec.ValidationError as e:
        return error_response(request, 422, "invalid_body", {"reason": str(e)})
    except msgspec.DecodeError:
        return error_response(request, 400, "bad_json")
    except Exception:
        log.exception("unexpected error on %s %s", request.method, request.path)
        return error_response(request, 500, "internal")
