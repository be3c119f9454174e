"""Codes are checked by the platform's own characters (issue 16 groundwork).

Matrix room aliases (``#room:server``) and room ids (``!opaque:server``) hold characters
the default rule refuses. A platform names them in ``LinkRules.code_chars``; refs and
adapters then accept them, while what would re-route a request (``/``, ``?``, ``%``,
``..``, whitespace, control characters) stays refused on every platform.
"""

from __future__ import annotations

import string
from typing import Any, ClassVar

import pytest
from hypothesis import given
from hypothesis import strategies as st

from invitekit import Adapter, InvalidInviteLink, InviteRef, LinkForm, LinkRules, PublicInvite
from invitekit.testing import isolated_registry

IDENTIFIERS = LinkRules(
    platform="ident",
    forms=(LinkForm("ident.example"),),
    canonical="https://ident.example/{code}",
    code_chars=string.ascii_letters + string.digits + "#!:.-_[]",
)


class IdentAdapter(Adapter):
    platform: ClassVar[str] = "ident"
    link_rules: ClassVar[LinkRules] = IDENTIFIERS

    @classmethod
    def decode_public_invite(cls, data: Any) -> PublicInvite:
        raise NotImplementedError

    @classmethod
    def decode_private_invite(cls, data: Any) -> Any:
        raise NotImplementedError

    @classmethod
    def decode_private_invites(cls, data: Any) -> Any:
        raise NotImplementedError

    async def _fetch_invite(
        self, code: str, *, with_counts: bool, event_id: str | None
    ) -> PublicInvite:
        raise NotImplementedError


@pytest.mark.parametrize(
    "code", ["#room:server.org", "!opaque:server.org", "!opaque", "#r:[::1]:8448"]
)
def test_a_platform_that_names_the_characters_accepts_them(code: str) -> None:
    with isolated_registry():
        from invitekit import register_adapter

        register_adapter(IdentAdapter)
        assert InviteRef("ident", code).code == code
        assert IdentAdapter().ref(code) == InviteRef("ident", code)


@pytest.mark.parametrize("code", ["#a/b:c", "#a?b", "#a%2Fb", "#a b", "#a\nb", "#a..b", "#a\\\\b"])
def test_what_re_routes_a_request_stays_refused_everywhere(code: str) -> None:
    with isolated_registry():
        from invitekit import register_adapter

        register_adapter(IdentAdapter)
        with pytest.raises(InvalidInviteLink):
            InviteRef("ident", code)
        with pytest.raises(InvalidInviteLink):
            IdentAdapter().ref(code.replace("/", "\x00"))


@pytest.mark.parametrize("platform", ["discord", "stoat", "fake", "not-registered"])
def test_platforms_that_do_not_name_them_still_refuse_them(platform: str) -> None:
    for code in ("#room:server", "a:b", "a@b", "a+b"):
        with pytest.raises(InvalidInviteLink):
            InviteRef(platform, code)


@given(st.text(alphabet="#!:.-_[]ab/?% \x00", min_size=1, max_size=12))
def test_no_allowed_code_holds_a_character_that_re_routes(code: str) -> None:
    with isolated_registry():
        from invitekit import register_adapter

        register_adapter(IdentAdapter)
        try:
            InviteRef("ident", code)
        except InvalidInviteLink:
            return
        assert not set(code) & set("/?% \x00")
        assert ".." not in code
