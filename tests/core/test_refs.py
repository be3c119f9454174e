"""InviteRef: validated on construction, hashable, ``str()`` is the link."""

from __future__ import annotations

import pytest

from invitekit import InvalidInviteLink, InviteRef


def test_refs_are_hashable_values() -> None:
    assert InviteRef("fake", "abc") == InviteRef("fake", "abc")
    assert len({InviteRef("fake", "abc"), InviteRef("fake", "abc"), InviteRef("fake", "x")}) == 2
    assert InviteRef("fake", "abc") != InviteRef("fake", "abc", "1")
    with pytest.raises(AttributeError):
        InviteRef("fake", "abc").code = "x"  # type: ignore[misc]


def test_str_is_url() -> None:
    ref = InviteRef("fake", "abc")
    assert str(ref) == ref.url == "https://fake.invitekit.test/abc"


@pytest.mark.parametrize(
    "code", ["", "a/b", "..", "a..b", "a b", "a?b", "a#b", "a%2F", "\x00", "a\u2028b"]
)
def test_unsafe_codes_are_refused(code: str) -> None:
    with pytest.raises(InvalidInviteLink):
        InviteRef("fake", code)


def test_via_is_a_hint_not_identity() -> None:
    ref = InviteRef("fake", "abc", via=("a.example", "b.example"))
    assert ref.via == ("a.example", "b.example")
    assert ref == InviteRef("fake", "abc")
    assert hash(ref) == hash(InviteRef("fake", "abc"))
    assert InviteRef("fake", "abc").via == ()
