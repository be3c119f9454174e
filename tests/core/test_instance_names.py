"""How instances are named, and what an invite of one prints as without its adapter.

A name with a dot is a host of the instance, so it can always be linked to; a label
(``work``) never is, rather than being guessed into a link to a host called ``work``.
"""

from __future__ import annotations

import pytest

from invitekit import (
    InvalidArgument,
    InviteRef,
    InviteServer,
    LinkForm,
    LinkRules,
    PublicServerInvite,
    decode_public_invite,
    register_adapter,
)
from invitekit.previews import preview
from invitekit.testing import isolated_registry
from invitekit_fake import FakeAdapter
from invitekit_stoat import STOAT_LINK_RULES, StoatAdapter

HOST = "chat.example.org"
CODE = "Sh4redC0"


def test_self_hosted_rules_keep_the_alphabet_and_drop_the_official_hosts() -> None:
    rules = STOAT_LINK_RULES.self_hosted([f"https://{HOST}/", "INVITE.example.org"])
    assert [form.host for form in rules.forms] == [HOST, "invite.example.org"]
    assert {form.prefix for form in rules.forms} == {"/invite/"}
    assert rules.canonical_url(CODE) == f"https://{HOST}/invite/{CODE}"
    assert (rules.instance, rules.owner) == (HOST, f"stoat@{HOST}")
    assert (rules.code_chars, rules.reserved) == (
        STOAT_LINK_RULES.code_chars,
        STOAT_LINK_RULES.reserved,
    )


@pytest.mark.parametrize(
    ("hosts", "instance", "expected"),
    [
        ([HOST], None, HOST),
        ([HOST], "work", "work"),
        ([HOST, "b.example.org"], "B.example.org", "b.example.org"),
        ([], HOST, HOST),
        ([], "localhost", "localhost"),
    ],
)
def test_instance_names(hosts: list[str], instance: str | None, expected: str) -> None:
    assert STOAT_LINK_RULES.self_hosted(hosts, instance=instance).instance == expected


@pytest.mark.parametrize(
    ("hosts", "instance"),
    [
        ([], None),  # no host at all
        ([HOST], "other.example.org"),  # a host name, but not one of its hosts
        ([HOST], "my work"),
        ([HOST], "work@home"),
        ([HOST], ""),
        ([HOST], "-work"),
        (["chat.example.org:8443"], None),
    ],
)
def test_bad_instance_names_and_hosts(hosts: list[str], instance: str | None) -> None:
    with pytest.raises(InvalidArgument):
        STOAT_LINK_RULES.self_hosted(hosts, instance=instance)


def test_a_platform_without_self_hosting_refuses_instances() -> None:
    rules = LinkRules(platform="solo", forms=(LinkForm("solo.example"),), canonical="x/{code}")
    with pytest.raises(InvalidArgument, match="no self-hosted instances"):
        rules.self_hosted([HOST])


def test_a_label_is_never_guessed_into_a_link() -> None:
    adapter = StoatAdapter(link_hosts=[HOST], instance="work")
    ref = adapter.ref(f"https://{HOST}/invite/{CODE}")
    assert ref == InviteRef("stoat", CODE, instance="work")
    # Before, this printed https://work/invite/CODE: a host nobody runs.
    assert str(ref) == f"stoat@work:{CODE}"
    with pytest.raises(InvalidArgument):
        ref.url  # noqa: B018
    assert StoatAdapter.instance_link_rules(HOST).canonical_url(CODE) == str(
        InviteRef("stoat", CODE, instance=HOST)
    )


def test_a_bound_invite_of_a_labelled_instance_prints_its_link() -> None:
    adapter = StoatAdapter(link_hosts=[HOST], instance="work")
    invite = adapter.bind(
        decode_public_invite(
            "stoat",
            b'{"type":"Server","code":"Sh4redC0","server_id":"s","server_name":"S",'
            b'"channel_id":"c","channel_name":"g","user_name":"u","member_count":1}',
        )
    )
    assert str(invite) == invite.url == f"https://{HOST}/invite/{CODE}"
    assert invite.instance == "work"
    assert repr(adapter).endswith("instance='work'>")


def test_refs_check_their_instance_name() -> None:
    for bad in ("", "a b", "x@y", "x:y", "x/y"):
        with pytest.raises(InvalidArgument):
            InviteRef("stoat", CODE, instance=bad)


class _BrokenLinks(FakeAdapter):
    """An adapter whose canonical link names a field that is never given."""

    platform = "broken"
    link_rules = LinkRules(
        platform="broken", forms=(LinkForm("broken.example"),), canonical="https://b/{x}"
    )


def test_str_never_raises_even_for_a_broken_adapter() -> None:
    with isolated_registry():
        register_adapter(_BrokenLinks)
        ref = InviteRef("broken", "abc")
        with pytest.raises(KeyError):
            ref.url  # noqa: B018
        assert str(ref) == "broken:abc"
        invite = _BrokenLinks().bind(
            PublicServerInvite(platform="broken", code="abc", server=InviteServer(id="s"))
        )
        assert str(invite) == "broken:abc"
        shown = preview(invite)
        assert shown.url is None
        assert shown.platform == "broken"
        assert shown.text() == "Unnamed — Broken server invite"
