"""The conformance suite every adapter passes: the fake, Discord, Stoat, third-party ones.

Subclass ``AdapterConformance`` in your test suite and provide a function-scoped
``scenario`` fixture that returns a fresh ``Scenario`` (and closes its adapters
afterwards)::

    class TestMyAdapter(AdapterConformance):
        @pytest.fixture
        async def scenario(self):        # pytest_asyncio.fixture in strict mode
            async with MyEmulator() as emulator:
                yield Scenario(adapter=..., channel_id=..., existing_code=..., ...)

Every test runs whatever the adapter's capabilities are: a verb the adapter cannot do
must raise ``UnsupportedOperation``, and that is what the test then asserts. Nothing is
skipped.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from invitekit.adapter import Adapter
from invitekit.capabilities import Capability
from invitekit.errors import (
    AlreadyMember,
    InvalidArgument,
    InvalidInviteLink,
    InviteNotFound,
    PayloadError,
    UnboundInvite,
    UnsupportedOperation,
)
from invitekit.links import LinkScanner
from invitekit.models import (
    GroupInvite,
    JoinedGroup,
    JoinedServer,
    PublicFriendInvite,
    PublicGroupInvite,
    PublicServerInvite,
    ServerInvite,
    UnknownPrivateInvite,
    UnknownPublicInvite,
)
from invitekit.refs import InviteRef

__all__ = ["AdapterConformance", "Scenario"]

_PUBLIC_TYPES = (PublicServerInvite, PublicGroupInvite, PublicFriendInvite, UnknownPublicInvite)
_PRIVATE_TYPES = (ServerInvite, GroupInvite, UnknownPrivateInvite)
_UNSAFE_CODES = ("", "a/b", "..", "../x", "a b", "a?b", "a#b", "%2e%2e", "a\nb", "a\tb")
_MALFORMED_JSON = (b"", b"not json", b"{", b"[]", b"42", b'"text"', b"null", "{}", b"\xff\xfe")


@dataclass
class Scenario:
    """A fresh world for one conformance test, provided by the adapter author.

    Attributes:
        adapter: Acts as an account that owns ``server_id`` and may create, list and
            delete invites there (as far as the adapter's capabilities go).
        channel_id: A channel of that server where ``adapter`` may create invites.
        existing_code: A live invite to that server, created by ``adapter``'s account.
        missing_code: A well-formed code no invite has.
        server_id: The server, or ``None`` if the platform has no servers.
        joiner: Another, human account that is not yet a member of the server; ``None``
            if the platform offers no accept.
    """

    adapter: Adapter
    channel_id: str
    existing_code: str
    missing_code: str
    server_id: str | None = None
    joiner: Adapter | None = None


class AdapterConformance:
    """Abstract pytest test class: the behaviour every adapter must show."""

    pytestmark = pytest.mark.asyncio

    @pytest.fixture
    def scenario(self) -> Scenario:
        """Override this fixture: return (or yield) a fresh ``Scenario`` for each test."""
        pytest.fail(f"{type(self).__name__} must provide a `scenario` fixture")

    # -- declaration ----------------------------------------------------------------------

    async def test_declares_platform_rules_and_capabilities(self, scenario: Scenario) -> None:
        """The adapter names its platform, its link rules belong to it, and it can fetch."""
        adapter = scenario.adapter
        assert isinstance(adapter.platform, str)
        assert adapter.platform
        assert adapter.link_rules.platform == adapter.platform
        assert adapter.active_link_rules.platform == adapter.platform
        assert adapter.active_link_rules.instance == adapter.instance
        assert all(isinstance(c, Capability) for c in adapter.capabilities)
        assert Capability.FETCH in adapter.capabilities

    # -- fetch ----------------------------------------------------------------------------

    async def test_fetch_returns_a_bound_public_invite(self, scenario: Scenario) -> None:
        """``fetch_invite`` returns a public invite of the right platform and code, bound to the
        adapter, whose ``str()`` is its URL.
        """
        invite = await scenario.adapter.fetch_invite(scenario.existing_code)
        assert isinstance(invite, _PUBLIC_TYPES)
        assert invite.platform == scenario.adapter.platform
        assert invite.code == scenario.existing_code
        assert invite.instance == scenario.adapter.instance
        assert invite.adapter is scenario.adapter
        assert str(invite) == invite.url

    async def test_canonical_url_parses_back_to_the_invite(self, scenario: Scenario) -> None:
        """The canonical link parses back to the same reference, alone and inside a sentence."""
        invite = await scenario.adapter.fetch_invite(scenario.existing_code)
        scanner = LinkScanner([scenario.adapter.active_link_rules])
        assert scanner.parse(invite.url) == invite.ref
        assert scanner.find(f"join us at {invite.url} today!") == [invite.ref]
        assert invite.ref == InviteRef(
            invite.platform, invite.code, invite.event_id, scenario.adapter.instance
        )

    async def test_verbs_take_what_users_paste(self, scenario: Scenario) -> None:
        """``fetch_invite`` takes the invite's link, as users paste it, and its ref as it
        takes its code; a link of no platform is an ``InvalidInviteLink``."""
        adapter = scenario.adapter
        by_code = await adapter.fetch_invite(scenario.existing_code)
        by_link = await adapter.fetch_invite(f" <{by_code.url}> ")
        by_ref = await adapter.fetch_invite(by_code.ref)
        assert by_code == by_link == by_ref
        with pytest.raises(InvalidInviteLink):
            await adapter.fetch_invite(f"https://invalid.example/{scenario.existing_code}")

    async def test_same_invite_is_equal_and_hashes_alike(self, scenario: Scenario) -> None:
        """Two fetches of one invite are equal, hash alike and deduplicate in a set."""
        first = await scenario.adapter.fetch_invite(scenario.existing_code)
        second = await scenario.adapter.fetch_invite(scenario.existing_code, with_counts=False)
        assert first == second
        assert hash(first) == hash(second)
        assert len({first, second}) == 1

    async def test_fetch_missing_raises_invite_not_found(self, scenario: Scenario) -> None:
        """An unknown code raises ``InviteNotFound`` with the platform and status 404."""
        with pytest.raises(InviteNotFound) as caught:
            await scenario.adapter.fetch_invite(scenario.missing_code)
        assert caught.value.platform == scenario.adapter.platform
        assert caught.value.status == 404

    @pytest.mark.parametrize("code", _UNSAFE_CODES)
    async def test_unsafe_codes_are_refused_by_every_verb(
        self, scenario: Scenario, code: str
    ) -> None:
        """Codes that could change a request path never reach the platform, whatever the verb."""
        adapter = scenario.adapter
        with pytest.raises(InvalidInviteLink):
            await adapter.fetch_invite(code)
        with pytest.raises((InvalidInviteLink, UnsupportedOperation)):
            await adapter.accept(code)
        with pytest.raises((InvalidInviteLink, UnsupportedOperation)):
            await adapter.delete(code)

    # -- delete / revoke ------------------------------------------------------------------

    async def test_delete_removes_the_invite(self, scenario: Scenario) -> None:
        """After ``delete`` the invite is gone; deleting it again raises ``InviteNotFound``."""
        adapter = scenario.adapter
        if not adapter.supports(Capability.DELETE):
            with pytest.raises(UnsupportedOperation):
                await adapter.delete(scenario.existing_code)
            return
        await adapter.delete(scenario.existing_code, reason="conformance test")
        with pytest.raises(InviteNotFound):
            await adapter.fetch_invite(scenario.existing_code)
        with pytest.raises(InviteNotFound):
            await adapter.delete(scenario.existing_code)

    async def test_revoke_is_delete(self, scenario: Scenario) -> None:
        """``invite.revoke()`` removes the invite like ``delete`` does."""
        adapter = scenario.adapter
        invite = await adapter.fetch_invite(scenario.existing_code)
        if not adapter.supports(Capability.DELETE):
            with pytest.raises(UnsupportedOperation):
                await invite.revoke()
            return
        await invite.revoke()
        with pytest.raises(InviteNotFound):
            await adapter.fetch_invite(scenario.existing_code)
        with pytest.raises(InviteNotFound):
            await adapter.revoke(scenario.existing_code)

    async def test_delete_missing_raises_invite_not_found(self, scenario: Scenario) -> None:
        """Deleting an unknown code raises ``InviteNotFound`` (or ``UnsupportedOperation``)."""
        adapter = scenario.adapter
        expected = InviteNotFound if adapter.supports(Capability.DELETE) else UnsupportedOperation
        with pytest.raises(expected):
            await adapter.delete(scenario.missing_code)

    # -- create / list --------------------------------------------------------------------

    async def test_create_returns_a_bound_private_invite(self, scenario: Scenario) -> None:
        """``create_invite`` returns a bound private invite that fetching finds and deleting
        removes.
        """
        adapter = scenario.adapter
        if not adapter.supports(Capability.CREATE):
            with pytest.raises(UnsupportedOperation):
                await adapter.create_invite(scenario.channel_id)
            return
        created = await adapter.create_invite(scenario.channel_id)
        assert isinstance(created, _PRIVATE_TYPES)
        assert created.platform == adapter.platform
        assert created.adapter is adapter
        fetched = await adapter.fetch_invite(created.code)
        assert fetched == created
        if adapter.supports(Capability.DELETE):
            await created.delete()
            with pytest.raises(InviteNotFound):
                await adapter.fetch_invite(created.code)

    async def test_create_refuses_bad_limits_before_any_request(self, scenario: Scenario) -> None:
        """Zero, negative and boolean limits and unsafe channel ids raise ``InvalidArgument``."""
        adapter = scenario.adapter
        if not adapter.supports(Capability.CREATE):
            return
        for options in ({"max_uses": -1}, {"max_uses": 0}, {"max_age": -5}, {"max_uses": True}):
            with pytest.raises(InvalidArgument):
                await adapter.create_invite(scenario.channel_id, **options)
        with pytest.raises(InvalidArgument):
            await adapter.create_invite("../channels", max_uses=1)

    async def test_list_server_invites_includes_existing(self, scenario: Scenario) -> None:
        """Listing a server's invites returns bound private invites, the existing one among them."""
        adapter = scenario.adapter
        if scenario.server_id is None or not adapter.supports(Capability.LIST_SERVER_INVITES):
            with pytest.raises(UnsupportedOperation):
                await adapter.list_invites(server_id=scenario.server_id or "0")
            return
        invites = await adapter.list_invites(server_id=scenario.server_id)
        assert all(isinstance(invite, _PRIVATE_TYPES) for invite in invites)
        assert all(invite.adapter is adapter for invite in invites)
        assert scenario.existing_code in {invite.code for invite in invites}

    async def test_list_channel_invites_includes_existing(self, scenario: Scenario) -> None:
        """Listing a channel's invites includes the existing one."""
        adapter = scenario.adapter
        if not adapter.supports(Capability.LIST_CHANNEL_INVITES):
            with pytest.raises(UnsupportedOperation):
                await adapter.list_invites(channel_id=scenario.channel_id)
            return
        invites = await adapter.list_invites(channel_id=scenario.channel_id)
        assert scenario.existing_code in {invite.code for invite in invites}

    async def test_list_needs_exactly_one_id(self, scenario: Scenario) -> None:
        """``list_invites`` with neither or both ids raises ``InvalidArgument``."""
        with pytest.raises(InvalidArgument):
            await scenario.adapter.list_invites()
        with pytest.raises(InvalidArgument):
            await scenario.adapter.list_invites(server_id="1", channel_id="2")

    # -- accept ---------------------------------------------------------------------------

    async def test_accept_joins_once(self, scenario: Scenario) -> None:
        """The joiner can accept once; a second ``accept`` raises ``AlreadyMember``."""
        joiner = scenario.joiner
        if joiner is None and scenario.adapter.supports(Capability.ACCEPT):
            pytest.fail("the adapter can accept invites: the scenario must provide a joiner")
        if joiner is None or not joiner.supports(Capability.ACCEPT):
            with pytest.raises(UnsupportedOperation):
                await (joiner or scenario.adapter).accept(scenario.existing_code)
            return
        joined = await joiner.accept(scenario.existing_code)
        assert isinstance(joined, (JoinedServer, JoinedGroup))
        assert joined.platform == joiner.platform
        assert joined.code == scenario.existing_code
        with pytest.raises(AlreadyMember):
            await joiner.accept(scenario.existing_code)

    async def test_accept_missing_raises_invite_not_found(self, scenario: Scenario) -> None:
        """Accepting an unknown code raises ``InviteNotFound``."""
        joiner = scenario.joiner
        if joiner is None or not joiner.supports(Capability.ACCEPT):
            return
        with pytest.raises(InviteNotFound):
            await joiner.accept(scenario.missing_code)

    async def test_accept_through_a_fetched_invite(self, scenario: Scenario) -> None:
        """A fetched invite's own ``accept()`` joins through the adapter that fetched it."""
        joiner = scenario.joiner
        if joiner is None or not joiner.supports(Capability.ACCEPT):
            return
        invite = await joiner.fetch_invite(scenario.existing_code)
        joined = await invite.accept()
        assert joined.code == scenario.existing_code

    # -- pure decoding --------------------------------------------------------------------

    async def test_unbound_invites_refuse_verbs(self, scenario: Scenario) -> None:
        """Verbs on an invite no adapter produced raise ``UnboundInvite``."""
        invite = UnknownPublicInvite(platform=scenario.adapter.platform, code="abc", raw={})
        assert invite.adapter is None
        with pytest.raises(UnboundInvite):
            await invite.accept()
        with pytest.raises(UnboundInvite):
            await invite.delete()
        with pytest.raises(UnboundInvite):
            await invite.revoke()

    @pytest.mark.parametrize("data", _MALFORMED_JSON)
    async def test_malformed_payloads_raise_payload_error(
        self, scenario: Scenario, data: bytes | str
    ) -> None:
        """Malformed JSON raises ``PayloadError`` with the platform and a JSON path, never another
        error.
        """
        adapter_class = type(scenario.adapter)
        for decode in (
            adapter_class.decode_public_invite,
            adapter_class.decode_private_invite,
        ):
            with pytest.raises(PayloadError) as caught:
                decode(data)
            assert caught.value.platform == adapter_class.platform
            assert caught.value.path.startswith("$")
        if data not in (b"[]",):
            with pytest.raises(PayloadError):
                adapter_class.decode_private_invites(data)

    async def test_close_twice_is_harmless(self, scenario: Scenario) -> None:
        """``close()`` may be called twice."""
        await scenario.adapter.close()
        await scenario.adapter.close()
