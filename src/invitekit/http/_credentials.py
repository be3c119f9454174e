"""Secrets that never show up in a ``repr``, a ``str``, an exception or a log line."""

from __future__ import annotations

import hmac

__all__ = ["Credential", "Secret"]

_MASK = "********"


class Secret:
    """A token kept out of every ``repr`` and ``str``; ``reveal()`` is the only way in.

    Raises:
        TypeError: ``value`` is not a string.
        ValueError: ``value`` is empty or contains a line break or control character,
            which could split an HTTP header.
    """

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        if not isinstance(value, str):
            raise TypeError(f"a secret must be a string, got {type(value).__name__}")
        if not value or any(ord(char) < 0x20 or ord(char) == 0x7F for char in value):
            # The value itself stays out of the message.
            raise ValueError("a secret must be non-empty, without control characters")
        self._value = value

    def reveal(self) -> str:
        """Return the secret itself, for the one place that sends it."""
        return self._value

    def scrub(self, text: str) -> str:
        """Return ``text`` with every occurrence of the secret masked."""
        return text.replace(self._value, _MASK)

    def __repr__(self) -> str:
        return f"Secret({_MASK!r})"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Secret):
            return NotImplemented
        return hmac.compare_digest(self._value.encode(), other._value.encode())

    def __hash__(self) -> int:
        return hash((Secret, len(self._value)))

    def __reduce__(self) -> str:
        raise TypeError("a Secret cannot be pickled")


class Credential:
    """How a token is sent: the header, an optional scheme word, and the secret.

    ``Credential("Authorization", Secret(token), scheme="Bot")`` sends
    ``Authorization: Bot <token>``.

    Raises:
        ValueError: The header name or scheme is empty or contains whitespace.
    """

    __slots__ = ("header", "scheme", "secret")

    def __init__(self, header: str, secret: Secret, *, scheme: str | None = None) -> None:
        if not header or any(char.isspace() for char in header) or ":" in header:
            raise ValueError(f"invalid header name {header!r}")
        if scheme is not None and (not scheme or any(char.isspace() for char in scheme)):
            raise ValueError(f"invalid auth scheme {scheme!r}")
        self.header = header
        self.scheme = scheme
        self.secret = secret

    @classmethod
    def from_token(
        cls, header: str, token: object, *, scheme: str | None = None, platform: str | None = None
    ) -> Credential:
        """The credential for a token as a user gave it.

        Raises:
            InvalidArgument: ``token`` is not a non-empty string without control
                characters (the message never shows it).
        """
        from invitekit.errors import InvalidArgument

        try:
            secret = Secret(token)  # type: ignore[arg-type]
        except (TypeError, ValueError) as exc:
            what = "token" if platform is None else f"{platform} token"
            raise InvalidArgument(f"invalid {what}: {exc}", platform=platform) from None
        return cls(header, secret, scheme=scheme)

    def header_value(self) -> str:
        """Return the header value, secret included; send it, never log it."""
        token = self.secret.reveal()
        return token if self.scheme is None else f"{self.scheme} {token}"

    def scrub(self, text: str) -> str:
        """Return ``text`` with the secret masked."""
        return self.secret.scrub(text)

    def __repr__(self) -> str:
        return f"Credential(header={self.header!r}, scheme={self.scheme!r}, secret={self.secret!r})"
