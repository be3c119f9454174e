"""The emulator's responses: JSON, the backend's typed errors, Rocket's default bodies."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import msgspec
from aiohttp import web

__all__ = ["Reply", "json_response", "rocket_default", "typed_error"]

_ENCODER = msgspec.json.Encoder()
_ROCKET_REASONS = {
    400: (
        "Bad Request",
        "The request could not be understood by the server due to malformed syntax.",
    ),
    401: ("Unauthorized", "The request requires user authentication."),
    404: ("Not Found", "The requested resource could not be found."),
    500: (
        "Internal Server Error",
        "The server encountered an internal error while processing this request.",
    ),
}


class Reply(Exception):
    """Raised by a route to answer with ``response`` at once."""

    def __init__(self, response: web.Response) -> None:
        super().__init__(response.status)
        self.response = response


def encode(data: Any) -> bytes:
    """Encode ``data`` as JSON."""
    return _ENCODER.encode(data)


def json_response(
    status: int, data: Any, *, headers: Mapping[str, str] | None = None
) -> web.Response:
    """A JSON response."""
    return web.Response(
        status=status, body=encode(data), content_type="application/json", headers=headers
    )


def typed_error(status: int, kind: str, location: str, **extra: Any) -> Reply:
    """The backend's own error body: ``{"type": kind, …extra, "location": …}``."""
    return Reply(json_response(status, {"type": kind, **extra, "location": location}))


def rocket_default(request: web.Request, status: int) -> web.Response:
    """Rocket's default catcher: JSON when ``Accept`` asks for it, HTML otherwise.

    The backend registers no catchers, so request-guard failures (bad or missing tokens),
    unknown routes and panics are answered this way.
    """
    reason, description = _ROCKET_REASONS.get(status, ("Error", "An error occurred."))
    if "application/json" in request.headers.get("Accept", ""):
        body = {"error": {"code": status, "reason": reason, "description": description}}
        return json_response(status, body)
    html = (
        f"<!DOCTYPE html><html><head><title>{status} {reason}</title></head><body>"
        f"<h1>{reason}</h1><p>{description}</p><hr/><small>Rocket</small></body></html>"
    )
    return web.Response(status=status, text=html, content_type="text/html")
