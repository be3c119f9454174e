"""Identifiers with ``#``, ``:`` or ``@``: refused everywhere unless the platform's link
rules accept them (``LinkRules.accepts_identifier``), and then only what they accept."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, ClassVar

import pytest

from invitekit import (
    Adapter,
    InvalidArgument,
    InvalidInviteLink,
    InviteRef,
    PrivateInvite,
    PublicGroupInvite,
    PublicInvite,
    register_adapter,
)
from invitekit.links import LinkForm, LinkRules
from invitekit.testing import isolated_registry

_NAME = re.compile(r"#[a-z]{1,10}:[a-z]{1,10}\.example")


@dataclass(frozen=True)
class SigilRules(LinkRules):
    def accepts_identifier(self, value: str) -> bool:
        return _NAME.fullmatch(value) is not None


class SigilAdapter(Adapter):
    platform: ClassVar[str] = "sigil"
    link_rules: ClassVar[LinkRules] = SigilRules(
        platform="sigil", forms=(LinkForm("sigil.example"),), canonical="sigil:{code}"
    )

    @classmethod
    def decode_public_invite(cls, data: Any) -> PublicInvite:
        raise NotImplementedError

    @classmethod
    def decode_private_invite(cls, data: Any) -> PrivateInvite:
        raise NotImplementedError

    @classmethod
    def decode_private_invites(cls, data: Any) -> list[PrivateInvite]:
        raise NotImplementedError

    async def _fetch_invite(
        self, code: str, *, with_counts: bool, event_id: str | None
    ) -> PublicInvite:
        return PublicGroupInvite(platform=self.platform, code=code)


@pytest.fixture(autouse=True)
def _sigil_registered() -> Iterator[None]:
    with isolated_registry():
        register_adapter(SigilAdapter)
        yield


def test_the_platform_names_what_it_accepts() -> None:
    assert InviteRef("sigil", "#room:home.example").code == "#room:home.example"
    with pytest.raises(InvalidInviteLink):
        InviteRef("sigil", "#room:home.example/x")
    with pytest.raises(InvalidInviteLink):
        InviteRef("sigil", "#room..x:home.example")


@pytest.mark.parametrize("platform", ["fake", "discord", "nobody"])
def test_other_platforms_refuse_it_as_before(platform: str) -> None:
    with pytest.raises(InvalidInviteLink):
        InviteRef(platform, "#room:home.example")


async def test_verbs_take_such_codes_and_ids() -> None:
    adapter = SigilAdapter()
    invite = await adapter.fetch_invite("#room:home.example")
    assert invite.code == "#room:home.example"
    with pytest.raises(InvalidInviteLink):
        await adapter.fetch_invite("#Room:home.example")
    with pytest.raises(InvalidArgument):
        await adapter.fetch_invite("#room:home.example", event_id="#x:y")


class RoutedAdapter(SigilAdapter):
    """Answers with the ``via`` servers of the ref it was handed, in the invite's code."""

    async def _fetch_ref(
        self, ref: InviteRef, *, with_counts: bool, event_id: str | None
    ) -> PublicInvite:
        return PublicGroupInvite(platform=self.platform, code=ref.code, event_id=",".join(ref.via))


async def test_the_whole_ref_reaches_the_adapter_through_the_client() -> None:
    from invitekit import InviteClient

    ref = InviteRef("sigil", "#room:home.example", via=("a.example", "b.example"))
    async with InviteClient(RoutedAdapter()) as client:
        invite = await client.fetch_invite(ref)
    assert invite.event_id == "a.example,b.example"
