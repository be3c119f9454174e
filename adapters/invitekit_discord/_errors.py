"""Discord error responses → the core error tree, in one place.

The JSON ``code`` decides where it is specific (10006 is always ``InviteNotFound``);
otherwise the status does. Bodies that are not Discord JSON (Cloudflare's HTML, an
empty 502) still give the status's class. ``.code`` keeps Discord's number.
"""

from __future__ import annotations

from typing import Any

import msgspec

from invitekit import (
    Banned,
    HTTPError,
    InviteNotFound,
    MissingPermissions,
    NotFound,
    Unauthorized,
)
from invitekit.decoding import DECODE_ERRORS
from invitekit.errors import error_for_status
from invitekit.http import Response, Route, describe_status, generic_error
from invitekit_discord import _wire
from invitekit_discord._convert import PLATFORM

__all__ = ["map_error", "read_error_body"]

_BY_CODE: dict[int, type[HTTPError]] = {
    10003: NotFound,  # unknown channel
    10004: NotFound,  # unknown guild
    10006: InviteNotFound,
    10013: NotFound,  # unknown user
    10070: NotFound,  # unknown guild scheduled event
    10124: NotFound,  # no target-users job for this invite
    10129: NotFound,  # no target users for this invite
    40001: Unauthorized,
    40007: Banned,
    50001: MissingPermissions,  # missing access
    50013: MissingPermissions,
    50014: Unauthorized,  # invalid authentication token
}


_UNREADABLE = DECODE_ERRORS
"""Bodies that are not JSON (or not UTF-8), or JSON nested deeper than the stack allows."""
_MAX_DEPTH = 32


def read_error_body(response: Response) -> _wire.ErrorBody | None:
    """Return the Discord error body of ``response``, or ``None`` if it is not one."""
    if not response.body:
        return None
    try:
        return _wire.ERROR_DECODER.decode(response.body)
    except _UNREADABLE:
        return None


def _flatten(tree: Any, path: str = "", depth: int = 0) -> list[str]:
    """Turn ``{"field": {"_errors": [{"message": …}]}}`` trees into ``field: message`` lines.

    Branches deeper than ``_MAX_DEPTH`` are left out: Discord's trees are a few levels
    deep, and a hostile one must not exhaust the stack.
    """
    lines: list[str] = []
    if depth > _MAX_DEPTH:
        return lines
    if isinstance(tree, dict):
        for key, value in tree.items():
            if key == "_errors" and isinstance(value, list):
                lines += [
                    f"{path or 'body'}: {item.get('message', item)}"
                    for item in value
                    if isinstance(item, dict)
                ]
            else:
                lines += _flatten(value, f"{path}.{key}" if path else str(key), depth + 1)
    elif isinstance(tree, list):
        if all(isinstance(item, str) for item in tree):
            lines += [f"{path}: {item}" for item in tree]
        else:
            for index, item in enumerate(tree):
                lines += _flatten(item, f"{path}[{index}]", depth + 1)
    return lines


def _field_errors(response: Response, body: _wire.ErrorBody) -> list[str]:
    if body.errors is not None:
        return _flatten(body.errors)
    if body.code is None and body.message is None:
        # Some endpoints answer with bare field errors: {"target_users_file": ["Line 5: …"]}.
        try:
            return _flatten(msgspec.json.decode(response.body))
        except _UNREADABLE:
            return []
    return []


def map_error(response: Response, route: Route) -> HTTPError:
    """Return the error for a Discord error response on ``route``."""
    body = read_error_body(response)
    if body is None:
        return generic_error(response, route, platform=PLATFORM)
    cls = _BY_CODE.get(body.code) if body.code is not None else None
    if cls is None:
        cls = error_for_status(response.status)
    message = body.message or describe_status(response.status)
    details = _field_errors(response, body)
    if details:
        message = f"{message} ({'; '.join(details[:10])})"
    return cls(f"{route}: {message}", platform=PLATFORM, status=response.status, code=body.code)
