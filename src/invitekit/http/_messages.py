"""What goes over the wire: routes, form parts and responses, free of any HTTP library."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

from invitekit.http._percent import quote_segment

__all__ = ["IDEMPOTENT_METHODS", "FormPart", "Request", "Response", "Route"]

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
"""Methods whose requests may be sent again after a failure (RFC 9110, 9.2.2)."""


@dataclass(frozen=True)
class Route:
    """One API call: a method and a path template with its parameters.

    Routes with the same method and template share rate-limit state until the platform
    says otherwise, so ``/invites/{code}`` is one route for every code.

    Args:
        method: The HTTP method, upper-case.
        template: The path below the API base, with ``{name}`` placeholders.
        params: The values of the placeholders; each is percent-encoded whole, so a
            value can never add a path segment.
        throttle: The name of a client-side ``Throttle`` this call counts against.

    Raises:
        ValueError: The method is not upper-case or the template does not start with ``/``.
    """

    method: str
    template: str
    params: Mapping[str, str] = field(default_factory=dict)
    throttle: str | None = None

    def __post_init__(self) -> None:
        if not self.method.isalpha() or self.method != self.method.upper():
            raise ValueError(f"HTTP method must be upper-case letters: {self.method!r}")
        if not self.template.startswith("/"):
            raise ValueError(f"route template must start with '/': {self.template!r}")

    @property
    def path(self) -> str:
        """The path with every parameter percent-encoded.

        Raises:
            KeyError: A placeholder has no value in ``params``.
        """
        return self.template.format_map({k: quote_segment(v) for k, v in self.params.items()})

    @property
    def idempotent(self) -> bool:
        """Whether this call may be retried after a failure that reached the server."""
        return self.method in IDEMPOTENT_METHODS

    def __str__(self) -> str:
        return f"{self.method} {self.template}"


@dataclass(frozen=True)
class FormPart:
    """One part of a ``multipart/form-data`` body: a field, or a file when ``filename`` is set."""

    name: str
    value: bytes | str
    filename: str | None = None
    content_type: str | None = None


@dataclass(frozen=True)
class Request:
    """One request as a ``Transport`` sends it: everything is decided already.

    Attributes:
        method: The HTTP method, upper-case.
        url: The whole URL, query included.
        headers: Every header to send: the transport's defaults, the credential and the
            call's own. Holds the token: never log it whole.
        body: The body (JSON, encoded), or ``None``.
        form: A ``multipart/form-data`` body instead, or ``None``.
    """

    method: str
    url: str
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes | None = None
    form: tuple[FormPart, ...] | None = None

    @property
    def path(self) -> str:
        """The URL's path, without the query."""
        return urlsplit(self.url).path or "/"

    @property
    def query(self) -> dict[str, str]:
        """The URL's query parameters (the last value of a repeated one)."""
        return dict(parse_qsl(urlsplit(self.url).query, keep_blank_values=True))

    def header(self, name: str) -> str | None:
        """Return the header ``name`` (any case), or ``None``."""
        wanted = name.lower()
        for key, value in self.headers.items():
            if key.lower() == wanted:
                return value
        return None


@dataclass(frozen=True)
class Response:
    """A complete HTTP response.

    Attributes:
        status: The status code.
        headers: The headers, with lower-case names.
        body: The whole body.
    """

    status: int
    headers: Mapping[str, str]
    body: bytes = b""

    def header(self, name: str) -> str | None:
        """Return the header ``name`` (any case), or ``None``."""
        return self.headers.get(name.lower())

    @property
    def content_type(self) -> str:
        """The media type without parameters, lower-case; ``""`` when absent."""
        value = self.header("content-type") or ""
        return value.partition(";")[0].strip().lower()

    @property
    def is_json(self) -> bool:
        """Whether the body claims to be JSON (``application/json`` or ``…+json``)."""
        media = self.content_type
        return media == "application/json" or media.endswith("+json")

    @property
    def ok(self) -> bool:
        """Whether the status is below 400."""
        return self.status < 400
