"""Lookup outcomes as bytes for a shared store (Redis, memcached, a database): msgspec
JSON, never pickle.

``encode_outcome`` turns an invite (bound or not, details included) or an error into
bytes; ``decode_outcome`` gives back an unbound invite equal to it, or an error of the
same class. ``invitekit.redis`` stores this format; a store of one's own behind
``InviteCache`` can too, without Redis installed.

An outcome is a public invite, an ``InviteNotFound`` (cached) or any other
``InviteError`` (handed to the processes waiting on a lookup). Each is one ``_Entry``:

- ``kind`` names the model (``server``, ``group``, ``friend``, ``unknown``) or ``error``;
- ``body`` is the model's own fields, without the adapter binding and the details;
- ``details_type`` and ``details`` carry the adapter's ``PlatformDetails`` subclass by
  name and its fields, so Discord's or Stoat's extras come back as their own types.

Decoding never imports anything a stored name points at: a details type is found among
the ``PlatformDetails`` subclasses already defined once the platform's adapter is loaded,
and an error class among those of ``invitekit.errors``. Anything that does not decode
(an old format, an unknown type, garbage) raises ``UndecodableOutcome``; callers treat
it as a cache miss.
"""

from __future__ import annotations

import typing
from typing import Any, Final

import msgspec

from invitekit import errors
from invitekit.errors import HTTPError, InviteError, PayloadError, RateLimited
from invitekit.models import (
    PlatformDetails,
    PublicFriendInvite,
    PublicGroupInvite,
    PublicInvite,
    PublicServerInvite,
    UnknownPublicInvite,
)
from invitekit.registry import get_adapter_class

__all__ = ["FORMAT_VERSION", "UndecodableOutcome", "decode_outcome", "encode_outcome"]

FORMAT_VERSION: Final = 1
"""Bumped when stored entries change shape; older entries then read as misses.

A new model field needs no bump: every field of a stored record is required, so an entry
written before the field existed reads as a miss rather than as an invite without it,
and older processes ignore the field (``PublicFriendInvite.channel`` came so).
"""

_MODELS: dict[str, type[PublicInvite]] = {
    "server": PublicServerInvite,
    "group": PublicGroupInvite,
    "friend": PublicFriendInvite,
    "unknown": UnknownPublicInvite,
}
_KINDS = {model: kind for kind, model in _MODELS.items()}
_NOT_STORED = frozenset({"_adapter", "details"})


class UndecodableOutcome(ValueError):
    """Stored bytes that do not decode into an outcome this process understands."""


class _Entry(msgspec.Struct, array_like=True):
    version: int
    kind: str
    body: msgspec.Raw
    details_type: str | None = None
    details: msgspec.Raw = msgspec.Raw(b"null")


class _ErrorRecord(msgspec.Struct, omit_defaults=True):
    type: str
    message: str
    platform: str | None = None
    status: int | None = None
    code: int | str | None = None
    retry_after: float | None = None
    path: str | None = None


def _record_type(model: type[PublicInvite]) -> type[msgspec.Struct]:
    """A decodable mirror of ``model``: its fields less the binding and the details."""
    # The binding is typed with a name only imported for type checkers; it is not stored.
    hints = typing.get_type_hints(model, localns={"Adapter": object})
    fields = [(name, hints[name]) for name in model.__struct_fields__ if name not in _NOT_STORED]
    return msgspec.defstruct(f"_{model.__name__}Record", fields, frozen=True)


_RECORD_TYPES = {kind: _record_type(model) for kind, model in _MODELS.items()}
_RECORD_DECODERS = {kind: msgspec.json.Decoder(record) for kind, record in _RECORD_TYPES.items()}
_ENTRY_DECODER = msgspec.json.Decoder(_Entry)
_ERROR_DECODER = msgspec.json.Decoder(_ErrorRecord)
_ENCODER = msgspec.json.Encoder()
_details_decoders: dict[type[PlatformDetails], msgspec.json.Decoder[Any]] = {}


def details_tag(details_type: type[PlatformDetails]) -> str:
    """The stored name of a details type: ``module:qualname``."""
    return f"{details_type.__module__}:{details_type.__qualname__}"


def _details_types() -> dict[str, type[PlatformDetails]]:
    found: dict[str, type[PlatformDetails]] = {}
    pending = [PlatformDetails]
    while pending:
        for subclass in pending.pop().__subclasses__():
            found[details_tag(subclass)] = subclass
            pending.append(subclass)
    return found


def _details_type(platform: str, tag: str) -> type[PlatformDetails]:
    known = _details_types()
    if tag not in known:
        # The adapter (and with it its details types) may not be imported yet here.
        try:
            get_adapter_class(platform)
        except InviteError as exc:
            raise UndecodableOutcome(f"no adapter for {platform!r}: {exc}") from exc
        known = _details_types()
    try:
        return known[tag]
    except KeyError:
        raise UndecodableOutcome(f"unknown details type {tag!r}") from None


def encode_outcome(outcome: PublicInvite | InviteError) -> bytes:
    """Encode an invite or an error for Redis.

    Raises:
        TypeError: ``outcome`` is neither a known invite model nor an ``InviteError``.
    """
    if isinstance(outcome, InviteError):
        record = _error_record(outcome)
        return _ENCODER.encode(
            _Entry(FORMAT_VERSION, "error", msgspec.Raw(_ENCODER.encode(record)))
        )
    kind = _KINDS.get(type(outcome))
    if kind is None:
        raise TypeError(f"cannot store {type(outcome).__name__}: not a public invite model")
    body = {name: getattr(outcome, name) for name in _RECORD_TYPES[kind].__struct_fields__}
    details = getattr(outcome, "details", None)
    return _ENCODER.encode(
        _Entry(
            FORMAT_VERSION,
            kind,
            msgspec.Raw(_ENCODER.encode(body)),
            None if details is None else details_tag(type(details)),
            msgspec.Raw(_ENCODER.encode(details)),
        )
    )


def decode_outcome(data: bytes) -> PublicInvite | InviteError:
    """Decode what ``encode_outcome`` produced (unbound invites; fresh errors).

    Raises:
        UndecodableOutcome: ``data`` is not an entry this process can rebuild.
    """
    try:
        entry = _ENTRY_DECODER.decode(data)
    except msgspec.DecodeError as exc:
        raise UndecodableOutcome(f"not an invitekit entry: {exc}") from exc
    if entry.version != FORMAT_VERSION:
        raise UndecodableOutcome(f"entry format {entry.version}, expected {FORMAT_VERSION}")
    if entry.kind == "error":
        return _decode_error(entry.body)
    decoder = _RECORD_DECODERS.get(entry.kind)
    if decoder is None:
        raise UndecodableOutcome(f"unknown entry kind {entry.kind!r}")
    try:
        record = decoder.decode(entry.body)
    except msgspec.DecodeError as exc:
        raise UndecodableOutcome(f"malformed {entry.kind} invite: {exc}") from exc
    fields = {name: getattr(record, name) for name in record.__struct_fields__}
    if entry.details_type is not None:
        details_type = _details_type(fields["platform"], entry.details_type)
        decoder_for_details = _details_decoders.get(details_type)
        if decoder_for_details is None:
            decoder_for_details = _details_decoders[details_type] = msgspec.json.Decoder(
                details_type
            )
        try:
            fields["details"] = decoder_for_details.decode(entry.details)
        except msgspec.DecodeError as exc:
            raise UndecodableOutcome(f"malformed {entry.details_type}: {exc}") from exc
    model: type[Any] = _MODELS[entry.kind]
    invite: PublicInvite = model(**fields)
    return invite


# -- errors ------------------------------------------------------------------------------


def _stored_class(error: InviteError) -> type[InviteError]:
    """The nearest class of ``error`` that ``invitekit.errors`` defines."""
    for cls in type(error).__mro__:
        if issubclass(cls, InviteError) and cls.__module__ == errors.__name__:
            return cls
    return InviteError


def _error_record(error: InviteError) -> _ErrorRecord:
    record = _ErrorRecord(_stored_class(error).__name__, error.message, error.platform)
    if isinstance(error, HTTPError):
        record.status = error.status
        record.code = error.code
    if isinstance(error, RateLimited):
        record.retry_after = error.retry_after
    if isinstance(error, PayloadError):
        record.path = error.path
    return record


def _decode_error(body: msgspec.Raw) -> InviteError:
    try:
        record = _ERROR_DECODER.decode(body)
    except msgspec.DecodeError as exc:
        raise UndecodableOutcome(f"malformed error: {exc}") from exc
    cls = getattr(errors, record.type, None) if record.type in errors.__all__ else None
    if not (isinstance(cls, type) and issubclass(cls, InviteError)):
        raise UndecodableOutcome(f"unknown error type {record.type!r}")
    if issubclass(cls, RateLimited):
        return cls(
            record.message,
            platform=record.platform,
            status=record.status,
            code=record.code,
            retry_after=record.retry_after or 0.0,
        )
    if issubclass(cls, HTTPError):
        return cls(record.message, platform=record.platform, status=record.status, code=record.code)
    if issubclass(cls, PayloadError):
        return cls(record.message, platform=record.platform, path=record.path or "$")
    return cls(record.message, platform=record.platform)
