"""Stoat invite links: one table of texts and the codes they carry (or ``None``)."""

from __future__ import annotations

import pytest

from invitekit import (
    InvalidArgument,
    InvalidInviteLink,
    InviteRef,
    LinkScanner,
    find_invites,
    parse_invite,
)
from invitekit_stoat import STOAT_LINK_RULES, StoatAdapter, instance_forms

CODE = "w2PDnFm6"
ULID = "01F7ZSBSFHQ8TA81725KQCSDDP"

# (text, code or None) against the official rules.
OFFICIAL = [
    # the official share link
    (f"https://stt.gg/{CODE}", CODE),
    (f"http://stt.gg/{CODE}", CODE),
    (f"stt.gg/{CODE}", CODE),
    (f"https://STT.GG/{CODE}", CODE),
    ("https://Stt.Gg/Testers", "Testers"),
    ("https://stt.gg/API", "API"),
    (f"https://stt.gg/{CODE}/", CODE),
    (f"https://stt.gg/{CODE}?utm_source=x", CODE),
    (f"https://stt.gg/{CODE}#join", CODE),
    (f"<https://stt.gg/{CODE}>", CODE),
    (f"  https://stt.gg/{CODE}\n", CODE),
    # the web app's route
    ("https://stoat.chat/invite/Testers", "Testers"),
    (f"https://STOAT.Chat/invite/{CODE}", CODE),
    (f"https://stoat.chat/Invite/{CODE}", CODE),
    # legacy Revolt forms
    (f"https://rvlt.gg/{CODE}", CODE),
    (f"https://rvlt.gg/{ULID}", ULID),
    (f"https://rvlt.gg/{ULID.lower()}", ULID.lower()),
    ("https://app.revolt.chat/invite/Testers", "Testers"),
    (f"https://nightly.revolt.chat/invite/{CODE}", CODE),
    (f"https://local.revolt.chat/invite/{CODE}", CODE),
    (f"https://APP.REVOLT.CHAT/invite/{CODE}", CODE),
    # codes are case-sensitive: these are three different invites
    ("https://stt.gg/testers", "testers"),
    ("https://stt.gg/TESTERS", "TESTERS"),
    # Discover pages are not invites, whatever their case or depth
    ("https://stt.gg/discover", None),
    ("https://stt.gg/Discover", None),
    ("https://rvlt.gg/discover", None),
    ("https://stt.gg/discover/servers", None),
    ("https://stoat.chat/invite/discover", None),
    # look-alike and wrong hosts
    (f"https://stt.gg.evil.com/{CODE}", None),
    (f"https://evil.com/stt.gg/{CODE}", None),
    (f"https://stt.gg@evil.com/{CODE}", None),
    (f"https://evil.com@stt.gg/{CODE}", None),
    (f"https://xstt.gg/{CODE}", None),
    (f"https://s\u0442t.gg/{CODE}", None),  # Cyrillic "т"
    (f"https://stt.gg:8443/{CODE}", None),
    (f"https://revolt.chat/invite/{CODE}", None),
    (f"https://chat.example.org/invite/{CODE}", None),
    (f"ftp://stt.gg/{CODE}", None),
    # wrong paths and malformed codes
    (f"https://stoat.chat/{CODE}", None),
    ("https://stoat.chat/app", None),
    (f"https://stt.gg/invite/{CODE}", None),
    (f"https://app.revolt.chat/{CODE}", None),
    ("https://stt.gg/", None),
    ("https://stoat.chat/invite/", None),
    ("https://stt.gg/w2PD-nFm6", None),
    ("https://stt.gg/w2PD_nFm6", None),
    ("https://stt.gg/w2PD%20nFm6", None),
    ("https://stt.gg/w2PD nFm6", None),
    (f"https://stt.gg/{CODE}/extra", None),
    ("https://stt.gg/" + "a" * 65, None),
    (CODE, None),  # a bare code is not a link
]

# (text, code or None) for an adapter configured for a self-hosted instance.
SELF_HOSTED = [
    (f"https://chat.example.org/invite/{CODE}", CODE),
    ("https://CHAT.example.ORG/invite/Testers", "Testers"),
    (f"http://chat.example.org/invite/{CODE}/", CODE),
    (f"chat.example.org/invite/{CODE}", CODE),
    (f"https://chat.example.org/{CODE}", None),
    ("https://chat.example.org/invite/discover", None),
    (f"https://chat.example.org.evil.com/invite/{CODE}", None),
    (f"https://evil.chat.example.org/invite/{CODE}", None),
    (f"https://example.org/invite/{CODE}", None),
    # The official instance's links are not the self-hosted instance's invites.
    (f"https://stt.gg/{CODE}", None),
    (f"https://stoat.chat/invite/{CODE}", None),
]


def parse_with(scanner: LinkScanner, text: str) -> str | None:
    try:
        ref = scanner.parse(text)
    except InvalidInviteLink:
        return None
    assert ref.platform == "stoat"
    return ref.code


def test_table_is_large_and_balanced() -> None:
    cases = OFFICIAL + SELF_HOSTED
    assert len(cases) >= 40
    assert sum(code is None for _, code in cases) >= 20
    assert sum(code is not None for _, code in cases) >= 20


@pytest.mark.parametrize(("text", "code"), OFFICIAL)
def test_official_links(text: str, code: str | None) -> None:
    assert parse_with(LinkScanner([STOAT_LINK_RULES]), text) == code


@pytest.mark.parametrize(("text", "code"), OFFICIAL)
def test_official_links_through_the_registry(text: str, code: str | None) -> None:
    if code is None:
        with pytest.raises(InvalidInviteLink):
            parse_invite(text)
    else:
        assert parse_invite(text) == InviteRef("stoat", code)


@pytest.mark.parametrize(("text", "code"), SELF_HOSTED)
def test_self_hosted_links(text: str, code: str | None) -> None:
    adapter = StoatAdapter(link_hosts=["chat.example.org"])
    assert parse_with(LinkScanner([adapter.active_link_rules]), text) == code


def test_self_hosted_hosts_are_per_instance() -> None:
    configured = StoatAdapter(link_hosts=["https://chat.example.org/"])
    plain = StoatAdapter()
    link = f"https://chat.example.org/invite/{CODE}"
    assert parse_with(LinkScanner([configured.active_link_rules]), link) == CODE
    assert parse_with(LinkScanner([plain.active_link_rules]), link) is None
    assert StoatAdapter.link_rules is STOAT_LINK_RULES
    assert plain.active_link_rules == STOAT_LINK_RULES


@pytest.mark.parametrize(
    "host",
    [
        "chat.example.org:8443",
        "chat.example.org/path",
        "ftp://chat.example.org",
        "",
        "a..b",
        "user@host.org",
    ],
)
def test_bad_link_hosts_are_refused(host: str) -> None:
    with pytest.raises(InvalidArgument):
        instance_forms([host])


def test_idna_link_hosts() -> None:
    (form,) = instance_forms(["chät.example.org"])
    assert form.host == "xn--cht-rla.example.org"
    adapter = StoatAdapter(link_hosts=["chät.example.org"])
    assert (
        parse_with(
            LinkScanner([adapter.active_link_rules]), f"https://CHÄT.example.org/invite/{CODE}"
        )
        == CODE
    )


def test_canonical_link() -> None:
    assert InviteRef("stoat", "Testers").url == "https://stt.gg/Testers"
    assert str(InviteRef("stoat", CODE)) == f"https://stt.gg/{CODE}"


def test_bare_codes_with_platform() -> None:
    assert parse_invite(CODE, platform="stoat") == InviteRef("stoat", CODE)
    assert parse_invite(ULID, platform="stoat").code == ULID
    for bad in ("discover", "a/b", "w2PD-nFm6", "", "x" * 65):
        with pytest.raises(InvalidInviteLink):
            parse_invite(bad, platform="stoat")


def test_find_invites_in_free_text() -> None:
    text = (
        f"join us at https://stt.gg/{CODE}, or the old link (rvlt.gg/Testers). "
        f"Not this: https://stt.gg/discover nor https://stt.gg.evil.com/{CODE}; "
        f"again <https://STT.GG/{CODE}> and [testers](https://app.revolt.chat/invite/Testers)."
    )
    assert find_invites(text) == [InviteRef("stoat", CODE), InviteRef("stoat", "Testers")]


def test_generated_codes_fit_the_rules() -> None:
    alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZabcdefghjkmnpqrstvwxyz"
    assert STOAT_LINK_RULES.is_code(alphabet[:8])
    assert all(STOAT_LINK_RULES.is_code(char * 8) for char in alphabet)
