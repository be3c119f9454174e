"""Pure decoding: payloads in, models out, no I/O.

The three ``decode_*`` functions dispatch to the adapter registered for ``platform``.
The helpers below them are for adapter authors: they turn JSON ``bytes``/``str`` or
already-parsed data into an adapter's wire ``Struct`` and translate every msgspec
failure into ``PayloadError`` with the JSON path, so no ``KeyError`` or ``TypeError``
ever escapes a decoder.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, TypeVar

import msgspec

from invitekit.adapter import PayloadInput
from invitekit.errors import PayloadError
from invitekit.models import PrivateInvite, PublicInvite
from invitekit.registry import get_adapter_class

__all__ = [
    "DECODE_ERRORS",
    "JSON_TEXT",
    "as_raw",
    "as_raw_object",
    "decode_in_one_pass",
    "decode_items",
    "decode_payload",
    "decode_private_invite",
    "decode_private_invites",
    "decode_public_invite",
    "decode_tagged",
    "decode_tagged_list",
    "payload_error",
]

T = TypeVar("T")
U = TypeVar("U")
V = TypeVar("V")

_PATH = re.compile(r" - at `(\$[^`]*)`$")
_JSON_ANY: msgspec.json.Decoder[Any] = msgspec.json.Decoder()
JSON_TEXT = (bytes, bytearray, memoryview, str, msgspec.Raw)
"""The types decoders read as JSON text; anything else is already-parsed data."""
# msgspec skips the keys a Struct ignores without checking their UTF-8; decoding the same
# bytes without a Struct then fails with UnicodeDecodeError rather than a DecodeError.
# JSON nested deeper than the interpreter's recursion limit raises RecursionError.
DECODE_ERRORS = (msgspec.MsgspecError, UnicodeDecodeError, RecursionError)
"""Everything msgspec decoding can raise for bad input: catch this, not a narrower set."""
_JSON_TEXT = JSON_TEXT
_DECODE_ERRORS = DECODE_ERRORS


def decode_public_invite(platform: str, data: PayloadInput) -> PublicInvite:
    """Decode what resolving an invite code on ``platform`` returns.

    ``data`` is JSON ``bytes``/``str`` or an already-parsed mapping. Unknown invite types
    become ``UnknownPublicInvite``. The result is not bound to any adapter.

    Raises:
        PayloadError: ``data`` is malformed (with ``.platform`` and ``.path``).
        UnknownPlatform: ``platform`` is not registered.
    """
    return get_adapter_class(platform).decode_public_invite(data)


def decode_private_invite(platform: str, data: PayloadInput) -> PrivateInvite:
    """Decode one invite as the owner of its server or channel sees it.

    Raises:
        PayloadError: ``data`` is malformed (with ``.platform`` and ``.path``).
        UnknownPlatform: ``platform`` is not registered.
    """
    return get_adapter_class(platform).decode_private_invite(data)


def decode_private_invites(platform: str, data: PayloadInput) -> list[PrivateInvite]:
    """Decode a list of private invites; unknown types in it become ``UnknownPrivateInvite``.

    Raises:
        PayloadError: ``data`` is malformed (with ``.platform`` and ``.path``).
        UnknownPlatform: ``platform`` is not registered.
    """
    return get_adapter_class(platform).decode_private_invites(data)


def payload_error(
    exc: msgspec.MsgspecError | UnicodeDecodeError | RecursionError | PayloadError,
    *,
    platform: str,
) -> PayloadError:
    """Return a ``PayloadError`` for a msgspec failure, with the JSON path it names."""
    if isinstance(exc, PayloadError):
        return exc
    text = str(exc)
    match = _PATH.search(text)
    path = match.group(1) if match else "$"
    message = text[: match.start()] if match else text
    return PayloadError(
        f"malformed {platform} payload at {path}: {message}", platform=platform, path=path
    )


def decode_in_one_pass(decoder: msgspec.json.Decoder[T], data: PayloadInput) -> T | None:
    """``data`` decoded by ``decoder`` in one pass when it is JSON text that decodes
    cleanly; ``None`` for anything else (parsed data, or text a careful path must keep
    or explain), so that a decoder's fast path can fall back to its careful one.

    Raises nothing: every decoding failure is ``None``.
    """
    if isinstance(data, _JSON_TEXT):
        try:
            return decoder.decode(data)
        except _DECODE_ERRORS:
            pass
    return None


def decode_payload(decoder: msgspec.json.Decoder[T], data: PayloadInput, *, platform: str) -> T:
    """Decode ``data`` into ``decoder.type``.

    JSON text (``bytes``, ``str``, ``msgspec.Raw`` …) goes through ``decoder`` in one pass;
    anything else is converted from already-parsed data.

    Raises:
        PayloadError: The data does not match; ``.path`` says where.
    """
    try:
        if isinstance(data, _JSON_TEXT):
            return decoder.decode(data)
        # Typed through a variable: msgspec 0.23's stubs give ``Decoder.type`` as a
        # ``TypeForm``, which picks the overload of ``convert`` that returns ``Any``.
        converted: T = msgspec.convert(data, decoder.type, strict=True)
    except _DECODE_ERRORS as exc:
        raise payload_error(exc, platform=platform) from exc
    return converted


def as_raw(data: PayloadInput, *, platform: str) -> Any:
    """Return ``data`` as parsed JSON (JSON text is parsed; parsed data is returned as is).

    Raises:
        PayloadError: The text is not JSON.
    """
    if isinstance(data, _JSON_TEXT):
        try:
            return _JSON_ANY.decode(data)
        except _DECODE_ERRORS as exc:
            raise payload_error(exc, platform=platform) from exc
    return data


def as_raw_object(data: PayloadInput, *, platform: str) -> dict[str, Any]:
    """Return ``data`` as a parsed JSON object, for code that dispatches on its keys.

    Raises:
        PayloadError: The text is not JSON, or the value is not an object (path ``$``).
    """
    raw = as_raw(data, platform=platform)
    if not isinstance(raw, dict):
        raise PayloadError(
            f"malformed {platform} payload at $: expected an object, got {type(raw).__name__}",
            platform=platform,
        )
    return raw


def decode_tagged(
    decoder: msgspec.json.Decoder[T],
    data: PayloadInput,
    *,
    platform: str,
    unknown: Callable[[dict[str, Any]], U],
    tag_field: str = "type",
    missing: Callable[[PayloadInput], V] | None = None,
) -> T | U | V:
    """Decode a tagged union, handing objects with an unknown tag value to ``unknown``.

    ``unknown`` receives the parsed object and typically builds an ``Unknown…Invite``.
    An object without ``tag_field`` goes to ``missing`` (given ``data`` as it came), for
    platforms where an untagged payload means one member (Discord's older payloads are
    guild invites); without ``missing``, a missing tag or a tag of the wrong type is a
    ``PayloadError``.

    Raises:
        PayloadError: The data does not match a known member and is not an object with
            an unrecognised ``tag_field`` value (or, with ``missing``, without one);
            what ``missing`` raises.
    """
    try:
        return decode_payload(decoder, data, platform=platform)
    except PayloadError as error:
        if error.path == f"$.{tag_field}" and "Invalid value" in error.message:
            raw = as_raw(data, platform=platform)
            if isinstance(raw, dict):
                return unknown(raw)
        elif missing is not None and error.path == "$":
            raw = as_raw(data, platform=platform)
            if isinstance(raw, dict) and tag_field not in raw:
                return missing(data)
        raise


_RAW_LIST: msgspec.json.Decoder[list[msgspec.Raw]] = msgspec.json.Decoder(list[msgspec.Raw])
_LIST_DECODERS: dict[msgspec.json.Decoder[Any], msgspec.json.Decoder[list[Any]]] = {}


def _list_decoder(decoder: msgspec.json.Decoder[T]) -> msgspec.json.Decoder[list[T]]:
    listed = _LIST_DECODERS.get(decoder)
    if listed is None:
        listed = msgspec.json.Decoder(list[decoder.type])  # type: ignore[name-defined]
        # Adapters keep one decoder per module; a caller making new ones per call must
        # not grow this without bound.
        if len(_LIST_DECODERS) < 256:
            _LIST_DECODERS[decoder] = listed
    return listed


def decode_items(
    data: PayloadInput,
    decode_item: Callable[[Any], T],
    *,
    platform: str,
) -> list[T]:
    """Decode a JSON array item by item with ``decode_item``, naming a bad item's place.

    ``data`` is JSON text (each item is handed over as ``msgspec.Raw``) or a parsed list.
    Adapters use it after their one-pass fast path failed, so that the error names the
    item (``$[3].code``) and good items decode as they would alone.

    Raises:
        PayloadError: ``data`` is not an array, or an item is malformed; ``.path`` names
            the item.
    """
    items: list[Any]
    if isinstance(data, _JSON_TEXT):
        items = decode_payload(_RAW_LIST, data, platform=platform)
    elif isinstance(data, (list, tuple)):
        items = list(data)
    else:
        raise PayloadError(
            f"malformed {platform} payload at $: expected an array, got {type(data).__name__}",
            platform=platform,
        )
    decoded: list[T] = []
    for index, item in enumerate(items):
        try:
            decoded.append(decode_item(item))
        except PayloadError as error:
            path = f"$[{index}]{error.path[1:]}"
            raise PayloadError(
                error.message.replace(f" at {error.path}:", f" at {path}:", 1),
                platform=platform,
                path=path,
            ) from error
    return decoded


def decode_tagged_list(
    decoder: msgspec.json.Decoder[T],
    data: PayloadInput,
    *,
    platform: str,
    unknown: Callable[[dict[str, Any]], U],
    tag_field: str = "type",
    missing: Callable[[PayloadInput], V] | None = None,
) -> list[T | U | V]:
    """Decode a JSON array of a tagged union, item by item, as ``decode_tagged`` does.

    One item of an unknown type does not spoil the others.

    Raises:
        PayloadError: ``data`` is not an array, or an item is malformed; ``.path`` names
            the item (``$[3].code``).
    """
    # One pass over the whole array when every item is well-formed and of a known type;
    # otherwise item by item, which keeps the good ones and names the bad.
    decoded = decode_in_one_pass(_list_decoder(decoder), data)
    if decoded is not None:
        return list(decoded)

    def one(item: Any) -> T | U | V:
        return decode_tagged(
            decoder, item, platform=platform, unknown=unknown, tag_field=tag_field, missing=missing
        )

    return decode_items(data, one, platform=platform)
