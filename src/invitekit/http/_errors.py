"""Errors for responses an adapter's error mapper could not read, and for failed sends."""

from __future__ import annotations

from http import HTTPStatus
from typing import Protocol

from invitekit.errors import HTTPError, error_for_status
from invitekit.http._messages import Response, Route

__all__ = ["ErrorMapper", "describe_status", "generic_error"]


class ErrorMapper(Protocol):
    """Turns an error response (status 400 or above) into an ``HTTPError`` subclass."""

    def __call__(self, response: Response, route: Route, /) -> HTTPError:
        """Return the error to raise for ``response`` to a request on ``route``."""
        ...


def describe_status(status: int) -> str:
    """Return ``"HTTP 502 Bad Gateway"``-style text for ``status``."""
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        return f"HTTP {status}"
    return f"HTTP {status} {phrase}"


def generic_error(response: Response, route: Route, *, platform: str | None) -> HTTPError:
    """Return the status's generic ``HTTPError`` for a body that says nothing usable.

    For error pages from proxies and CDNs (Cloudflare's HTML, an empty 502): the class
    follows the status, the message says what came back, ``code`` is ``None``.
    """
    kind = response.content_type or "empty"
    if response.body and not response.content_type:
        kind = "untyped"
    source = " from Cloudflare" if _from_cloudflare(response) else ""
    message = f"{route}: {describe_status(response.status)} with a non-JSON ({kind}) body{source}"
    return error_for_status(response.status)(message, platform=platform, status=response.status)


def _from_cloudflare(response: Response) -> bool:
    return "cf-ray" in response.headers or (response.header("server") or "").lower() == "cloudflare"
