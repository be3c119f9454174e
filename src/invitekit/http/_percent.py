"""Percent-encoding for request paths and queries, quick for values that need none.

Codes, ids and flags are nearly always unreserved characters already (RFC 3986, 2.3),
and every lookup builds a path and a query: checking that with one regular expression
costs a fraction of what ``urllib.parse.quote`` does to leave such a value unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from urllib.parse import quote, urlencode

__all__ = ["query_string", "quote_segment"]

_UNRESERVED = re.compile(r"[A-Za-z0-9_.~-]*")


def quote_segment(value: str) -> str:
    """``value`` percent-encoded whole, ``/`` included, as one path segment.

    Raises:
        TypeError: ``value`` is not a string.
    """
    if _UNRESERVED.fullmatch(value):
        return value
    return quote(value, safe="")


def query_string(params: Mapping[str, str] | Sequence[tuple[str, str]]) -> str:
    """``params`` as a query string (without ``?``), every name and value percent-encoded."""
    pairs = params.items() if isinstance(params, Mapping) else params
    encoded: list[str] = []
    for name, value in pairs:
        if (
            type(name) is not str
            or type(value) is not str
            or not _UNRESERVED.fullmatch(name)
            or not _UNRESERVED.fullmatch(value)
        ):
            return urlencode(params, quote_via=quote)
        encoded.append(f"{name}={value}")
    return "&".join(encoded)
