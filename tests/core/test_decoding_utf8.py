"""Regression: invalid UTF-8 inside a JSON string is a PayloadError, not UnicodeDecodeError."""

from __future__ import annotations

import pytest

from invitekit import PayloadError, decode_private_invites, decode_public_invite


@pytest.mark.parametrize(
    "data",
    [
        b'{"type": "\x80server", "code": "abc"}',
        b'{"type": "server", "code": "\xff\xfe"}',
        b'{"\xc3": 1}',
    ],
)
def test_invalid_utf8_in_strings(data: bytes) -> None:
    with pytest.raises(PayloadError) as caught:
        decode_public_invite("fake", data)
    assert caught.value.platform == "fake"
    assert caught.value.path == "$"
    with pytest.raises(PayloadError):
        decode_private_invites("fake", b"[" + data + b"]")
