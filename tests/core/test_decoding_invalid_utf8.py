"""Invalid UTF-8 is a ``PayloadError`` on every decoding path, never a ``UnicodeDecodeError``.

msgspec skips keys a Struct ignores without checking their UTF-8, so an unknown-type
payload can decode as a tagged Struct and then fail when parsed whole for ``raw``.
"""

from __future__ import annotations

import msgspec
import pytest

from invitekit import PayloadError
from invitekit.decoding import as_raw, decode_payload
from invitekit_fake import FakeAdapter

BAD_KEY = b'{"type": "hologram", "code": "abc", "z\xff": 1}'


def test_unknown_type_with_invalid_utf8_in_an_ignored_key() -> None:
    with pytest.raises(PayloadError) as caught:
        FakeAdapter.decode_public_invite(BAD_KEY)
    assert caught.value.path == "$"
    assert caught.value.platform == "fake"
    # The error is invitekit's own, whatever msgspec raised underneath.
    assert not isinstance(caught.value, UnicodeDecodeError)


def test_as_raw_and_decode_payload_translate_invalid_utf8() -> None:
    with pytest.raises(PayloadError):
        as_raw(b'{"a\xff": 1}', platform="fake")
    decoder: msgspec.json.Decoder[dict[str, int]] = msgspec.json.Decoder(dict[str, int])
    with pytest.raises(PayloadError):
        decode_payload(decoder, b'{"a\xff": 1}', platform="fake")
