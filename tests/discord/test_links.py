"""Discord invite links: a table of accepted and refused forms, in prose and alone."""

from __future__ import annotations

import pytest

from invitekit import InvalidInviteLink, InviteRef, LinkScanner, find_invites, parse_invite
from invitekit_discord import LINK_RULES, DiscordAdapter


def ref(code: str, event: str | None = None) -> InviteRef:
    return InviteRef("discord", code, event)


# One link each: what parse_invite and find_invites must both make of it.
LINKS: list[tuple[str, InviteRef | None]] = [
    ("discord.gg/abc123", ref("abc123")),
    ("https://discord.gg/abc123", ref("abc123")),
    ("http://discord.gg/abc123", ref("abc123")),
    ("https://discord.com/invite/abc123", ref("abc123")),
    ("https://discordapp.com/invite/abc123", ref("abc123")),
    ("discordapp.com/invite/abc123", ref("abc123")),
    ("https://www.discord.gg/abc123", ref("abc123")),
    ("https://www.discord.com/invite/abc123", ref("abc123")),
    ("https://ptb.discord.com/invite/abc123", ref("abc123")),
    ("https://canary.discord.com/invite/abc123", ref("abc123")),
    ("https://canary.discordapp.com/invite/abc123", ref("abc123")),
    ("HTTPS://DISCORD.GG/AbC123", ref("AbC123")),
    ("hTtPs://DiScOrD.CoM/InViTe/AbC123", ref("AbC123")),
    ("https://discord.gg/discord-developers", ref("discord-developers")),
    ("https://discord.gg/0vCdhLbwjZZTWZLD", ref("0vCdhLbwjZZTWZLD")),
    ("https://discord.gg/abc123/", ref("abc123")),
    ("https://discord.com/invite/abc123/", ref("abc123")),
    ("https://discord.gg/abc123?event=1346987654321098765", ref("abc123", "1346987654321098765")),
    ("https://discord.gg/abc123?utm_source=x&event=42", ref("abc123", "42")),
    ("https://discord.gg/abc123?event=soon", ref("abc123")),
    ("https://discord.gg/abc123?proof=xyz", ref("abc123")),
    ("https://discord.gg/abc123#section", ref("abc123")),
    ("https://discord.gg/abc123?event=7#top", ref("abc123", "7")),
    ("https://discord.gg/ab", ref("ab")),
    # Refused: look-alike and foreign hosts.
    ("https://discord.gg.evil.com/abc123", None),
    ("https://evil-discord.gg/abc123", None),
    ("https://discordgg.com/abc123", None),
    ("https://disc0rd.gg/abc123", None),
    ("https://discord.co/invite/abc123", None),
    ("https://discord.com.evil.net/invite/abc123", None),
    ("https://discord.example.com/invite/abc123", None),
    ("https://ptb.discord.gg.evil/abc123", None),
    ("https://xn--dscord-4if.gg/abc123", None),  # punycode of a homoglyph host
    ("https://d\u0456scord.gg/abc123", None),  # Cyrillic small i (U+0456)
    ("https://disc\u03bfrd.gg/abc123", None),  # Greek omicron
    # Refused: userinfo, ports, other schemes, embedded in other URLs.
    ("https://discord.gg@evil.com/abc123", None),
    ("https://user@discord.gg/abc123", None),
    ("https://discord.gg:443/abc123", None),
    ("ftp://discord.gg/abc123", None),
    ("javascript://discord.gg/abc123", None),
    ("https://evil.com/discord.gg/abc123", None),
    ("https://evil.com/?next=https://discord.gg/abc123", None),
    # Refused: wrong paths and bad codes.
    ("https://discord.com/abc123", None),
    ("https://discord.gg/invite", ref("invite")),  # a valid-looking vanity code
    ("https://discord.com/invite/", None),
    ("https://discord.gg/", None),
    ("https://discord.gg/a", None),  # too short
    ("https://discord.gg/" + "a" * 65, None),  # too long
    ("https://discord.gg/abc_123", None),  # no underscores in Discord codes
    ("https://discord.gg/abc%31", None),  # percent-encoding is not decoded into a code
    ("https://discord.gg/%2e%2e", None),
    ("https://discord.gg/abc/def", None),
    ("https://discord.gg/../abc123", None),
    ("https://discord.com/invite/abc123/extra", None),
]


@pytest.mark.parametrize(("text", "expected"), LINKS)
def test_parse_one_link(text: str, expected: InviteRef | None) -> None:
    if expected is None:
        with pytest.raises(InvalidInviteLink):
            parse_invite(text)
    else:
        assert parse_invite(text) == expected
        assert parse_invite(text, platform="discord") == expected


@pytest.mark.parametrize(("text", "expected"), LINKS)
def test_find_the_same_link_in_prose(text: str, expected: InviteRef | None) -> None:
    found = find_invites(f"hey, join us: {text} — see you there")
    assert found == ([] if expected is None else [expected])


# Free text: where links sit in messages.
PROSE: list[tuple[str, list[InviteRef]]] = [
    ("<https://discord.gg/abc123>", [ref("abc123")]),
    ("[our server](https://discord.gg/abc123)", [ref("abc123")]),
    ("(https://discord.gg/abc123)", [ref("abc123")]),
    ('"https://discord.gg/abc123"', [ref("abc123")]),
    ("'discord.gg/abc123'", [ref("abc123")]),
    ("join discord.gg/abc123.", [ref("abc123")]),
    ("join discord.gg/abc123!", [ref("abc123")]),
    ("join discord.gg/abc123?", [ref("abc123")]),
    ("join discord.gg/abc123, or not", [ref("abc123")]),
    ("link: discord.gg/abc123;", [ref("abc123")]),
    ("**discord.gg/abc123**", [ref("abc123")]),
    ("__discord.gg/abc123__", [ref("abc123")]),
    ("~~discord.gg/abc123~~", [ref("abc123")]),
    ("||discord.gg/abc123||", [ref("abc123")]),
    ("`discord.gg/abc123`", [ref("abc123")]),
    ("a: discord.gg/one1 b: https://discord.com/invite/two2", [ref("one1"), ref("two2")]),
    ("discord.gg/same1 and https://discord.gg/same1/", [ref("same1")]),
    ("event <https://discord.gg/abc123?event=99>", [ref("abc123", "99")]),
    ("mydiscord.gg/abc123", []),
    ("notdiscord.com/invite/abc123", []),
    ("discord.gg/abc123é", []),  # the visible code goes on: ambiguous
    ("discord.gg/abc\u200b123", []),  # zero-width space splitting the code
    ("https://discord.gg", []),
    ("see https://evil.com/https://discord.gg/abc123", []),
    ("discord.gg/abc123\ndiscord.gg/def456", [ref("abc123"), ref("def456")]),
    ("https://discord.gg/abc def", [ref("abc")]),  # in prose a space ends the link
]


@pytest.mark.parametrize("text", ["https://discord.gg/abc def", "discord.gg/abc\tdef"])
def test_one_link_cannot_contain_whitespace(text: str) -> None:
    with pytest.raises(InvalidInviteLink):
        parse_invite(text)


@pytest.mark.parametrize(("text", "expected"), PROSE)
def test_find_in_prose(text: str, expected: list[InviteRef]) -> None:
    assert find_invites(text) == expected


def test_the_table_is_large_enough() -> None:
    assert len(LINKS) + len(PROSE) >= 60
    assert sum(expected is None for _, expected in LINKS) >= 25


def test_bare_codes_need_the_platform() -> None:
    assert parse_invite("abc123", platform="discord") == ref("abc123")
    assert parse_invite("discord-developers", platform="discord") == ref("discord-developers")
    with pytest.raises(InvalidInviteLink):
        parse_invite("abc123")
    with pytest.raises(InvalidInviteLink):
        parse_invite("abc_123", platform="discord")


def test_canonical_urls_parse_back() -> None:
    scanner = LinkScanner([LINK_RULES])
    assert LINK_RULES.canonical_url("abc123") == "https://discord.gg/abc123"
    with_event = LINK_RULES.canonical_url("abc123", "99")
    assert with_event == "https://discord.gg/abc123?event=99"
    assert scanner.parse(with_event) == ref("abc123", "99")
    assert str(ref("abc123", "99")) == with_event
    assert DiscordAdapter.link_rules is LINK_RULES
