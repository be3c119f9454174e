"""Everything an adapter author imports, in one place.

An adapter (a package of its own, registered under the ``invitekit.adapters`` entry
point) needs the models and errors users see, plus the pieces that build an adapter:
the ``Adapter`` base class and its link rules, the decoding helpers that turn msgspec
failures into ``PayloadError`` with a JSON path, and the HTTP transport with its rate
limits, retries, credentials and the ``TransportOptions`` every adapter takes. The
built-in Discord and Stoat adapters use nothing that is not here or in ``invitekit``;
``docs/guides/writing-an-adapter.md`` walks through one.

Importing this module imports nothing but ``invitekit``: each name is imported when first
used (``lazy_exports``, which packages of adapters use for the same purpose).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from invitekit._lazy import lazy_exports

if TYPE_CHECKING:
    from invitekit.adapter import Adapter, PayloadInput
    from invitekit.capabilities import Capability
    from invitekit.client import InviteCache, LookupKey
    from invitekit.decoding import (
        DECODE_ERRORS,
        JSON_TEXT,
        as_raw,
        as_raw_object,
        decode_in_one_pass,
        decode_items,
        decode_payload,
        decode_tagged,
        decode_tagged_list,
        payload_error,
    )
    from invitekit.errors import error_for_status
    from invitekit.http import (
        Credential,
        ErrorMapper,
        FormPart,
        HTTPTransport,
        RateLimitInfo,
        RateLimitPolicy,
        RateLimitStore,
        Request,
        Response,
        RetryPolicy,
        Route,
        RouteKey,
        Secret,
        Throttle,
        Transport,
        TransportKwargs,
        TransportOptions,
        describe_status,
        generic_error,
        parse_rate_limit_headers,
        parse_retry_after,
    )
    from invitekit.links import LinkForm, LinkRules, LinkScanner
    from invitekit.models import PlatformDetails

# Imported when first named: an adapter package's __init__ takes lazy_exports from
# here, and must not pay for the HTTP layer (asyncio, ssl) to do so.
_LAZY = {
    **dict.fromkeys(
        (
            "Adapter",
            "PayloadInput",
        ),
        "invitekit.adapter",
    ),
    "Capability": "invitekit.capabilities",
    **dict.fromkeys(
        (
            "InviteCache",
            "LookupKey",
        ),
        "invitekit.client",
    ),
    **dict.fromkeys(
        (
            "DECODE_ERRORS",
            "JSON_TEXT",
            "as_raw",
            "as_raw_object",
            "decode_in_one_pass",
            "decode_items",
            "decode_payload",
            "decode_tagged",
            "decode_tagged_list",
            "payload_error",
        ),
        "invitekit.decoding",
    ),
    "error_for_status": "invitekit.errors",
    **dict.fromkeys(
        (
            "Credential",
            "ErrorMapper",
            "FormPart",
            "HTTPTransport",
            "RateLimitInfo",
            "RateLimitPolicy",
            "RateLimitStore",
            "Request",
            "Response",
            "RetryPolicy",
            "Route",
            "RouteKey",
            "Secret",
            "Throttle",
            "Transport",
            "TransportKwargs",
            "TransportOptions",
            "describe_status",
            "generic_error",
            "parse_rate_limit_headers",
            "parse_retry_after",
        ),
        "invitekit.http",
    ),
    **dict.fromkeys(
        (
            "LinkForm",
            "LinkRules",
            "LinkScanner",
        ),
        "invitekit.links",
    ),
    "PlatformDetails": "invitekit.models",
}

__all__ = [
    "DECODE_ERRORS",
    "JSON_TEXT",
    "Adapter",
    "Capability",
    "Credential",
    "ErrorMapper",
    "FormPart",
    "HTTPTransport",
    "InviteCache",
    "LinkForm",
    "LinkRules",
    "LinkScanner",
    "LookupKey",
    "PayloadInput",
    "PlatformDetails",
    "RateLimitInfo",
    "RateLimitPolicy",
    "RateLimitStore",
    "Request",
    "Response",
    "RetryPolicy",
    "Route",
    "RouteKey",
    "Secret",
    "Throttle",
    "Transport",
    "TransportKwargs",
    "TransportOptions",
    "as_raw",
    "as_raw_object",
    "decode_in_one_pass",
    "decode_items",
    "decode_payload",
    "decode_tagged",
    "decode_tagged_list",
    "describe_status",
    "error_for_status",
    "generic_error",
    "lazy_exports",
    "parse_rate_limit_headers",
    "parse_retry_after",
    "payload_error",
]

__getattr__, __dir__ = lazy_exports(__name__, _LAZY)
