"""Previews for bridges: every rendering shows hostile names as text, never as markup."""

from __future__ import annotations

import html.parser
from datetime import datetime, timezone
from typing import Any

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from invitekit import (
    InviteChannel,
    InviteServer,
    InviteUser,
    PublicFriendInvite,
    PublicServerInvite,
    ServerInvite,
    UnknownPublicInvite,
    decode_public_invite,
)
from invitekit.previews import MAX_NAME_LENGTH, InvitePreview, preview

HOSTILE = [
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    "<script>alert('x')</script>",
    '"><a href="https://evil.example">x</a>',
    "**bold** _it_ `code` ~~s~~ ||spoiler||",
    "@everyone <@123> <#456>",
    "![img](https://evil.example/a.png)",
    "&lt;b&gt;entity&lt;/b&gt;",
    "line\nbreak\r\n# heading",
    "> quote\n- list",
    "https://evil.example/phish",
    "\\*escaped\\*",
]


def _discord(name: str, channel: str) -> Any:
    payload = {
        "type": 0,
        "code": "abcDEF",
        "guild": {"id": "81384788765712384", "name": name},
        "channel": {"id": "81384788765712385", "name": channel, "type": 0},
        "approximate_member_count": 1234,
    }
    return decode_public_invite("discord", msgspec.json.encode(payload))


def _stoat(name: str, channel: str) -> Any:
    payload = {
        "type": "Server",
        "code": "w2PDnFm6",
        "server_id": "01J71HFE865V215DE1CTEWH0AV",
        "server_name": name,
        "channel_id": "01J71HFE86QZ0X0E9F5T1V6RY8",
        "channel_name": channel,
        "user_name": "someone",
        "member_count": 1,
    }
    return decode_public_invite("stoat", msgspec.json.encode(payload))


def _fake(name: str, channel: str) -> Any:
    payload = {
        "type": "server",
        "code": "FAKE01",
        "server": {"id": "s1", "name": name},
        "channel": {"id": "c1", "name": channel},
        "member_count": 3,
    }
    return decode_public_invite("fake", msgspec.json.encode(payload))


def _matrix(name: str, channel: str) -> Any:
    # A space: Matrix's server-like invite (its rooms are not in the summary).
    payload = {
        "room_id": "!space:example.org",
        "num_joined_members": 12,
        "name": name,
        "topic": channel,
        "room_type": "m.space",
        "canonical_alias": "#guild:example.org",
    }
    return decode_public_invite("matrix", msgspec.json.encode(payload))


PLATFORMS = {"discord": _discord, "stoat": _stoat, "fake": _fake, "matrix": _matrix}


class _Tags(html.parser.HTMLParser):
    """Collects the tags, their attributes and the text of an HTML fragment."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_data(self, data: str) -> None:
        self.text += data


def _parse(fragment: str) -> _Tags:
    parser = _Tags()
    parser.feed(fragment)
    parser.close()
    return parser


def _assert_only_our_markup(fragment: str, url: str | None, allowed: set[str]) -> str:
    """Assert ``fragment`` holds no tag but ``allowed`` and no link but ``url``; return its
    text."""
    parsed = _parse(fragment)
    for tag, attrs in parsed.tags:
        assert tag in allowed, fragment
        if tag == "a":
            assert attrs == [("href", url)], fragment
        else:
            assert attrs == [], fragment
    return parsed.text


def _markdown_as_html(markdown: str) -> str:
    rendered: str = MarkdownIt("commonmark").render(markdown)
    return rendered


def _cleaned(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("platform", sorted(PLATFORMS))
@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_names_render_as_text_on_every_platform(platform: str, hostile: str) -> None:
    invite = PLATFORMS[platform](hostile, hostile)
    shown = preview(invite)
    assert shown.platform == platform
    assert shown.kind == "server"
    assert shown.url == invite.url
    expected = _cleaned(hostile)

    html_text = _assert_only_our_markup(shown.html(), shown.url, {"b", "br", "a"})
    assert expected in html_text

    rendered = _markdown_as_html(shown.markdown())
    markdown_text = _assert_only_our_markup(rendered, shown.url, {"p", "strong", "a"})
    assert expected in markdown_text

    assert expected in shown.text()


@given(name=st.text(max_size=120), channel=st.text(max_size=40))
def test_no_name_can_add_markup(name: str, channel: str) -> None:
    shown = InvitePreview(
        platform="discord",
        kind="server",
        name=name,
        channel=channel,
        url="https://discord.gg/abc",
    )
    _assert_only_our_markup(shown.html(), shown.url, {"b", "br", "a"})
    _assert_only_our_markup(_markdown_as_html(shown.markdown()), shown.url, {"p", "strong", "a"})


@given(name=st.text(max_size=300))
def test_names_are_cleaned_of_controls_and_cut(name: str) -> None:
    invite = PublicServerInvite(platform="fake", code="x", server=InviteServer(id="1", name=name))
    shown = preview(invite)
    if shown.name is None:
        assert name.split() == [] or all(ch.isspace() or not ch.isprintable() for ch in name)
        return
    assert len(shown.name) <= MAX_NAME_LENGTH
    assert shown.name == shown.name.strip()
    assert "\n" not in shown.name
    assert not any(0x202A <= ord(ch) <= 0x202E or ord(ch) < 0x20 for ch in shown.name)


def test_bidirectional_overrides_are_dropped() -> None:
    invite = PublicServerInvite(
        platform="fake", code="x", server=InviteServer(id="1", name="good\u202egnp.exe")
    )
    assert preview(invite).name == "goodgnp.exe"


def test_a_long_name_is_cut_with_an_ellipsis() -> None:
    invite = PublicServerInvite(
        platform="fake", code="x", server=InviteServer(id="1", name="a" * 500)
    )
    name = preview(invite).name
    assert name is not None
    assert len(name) == MAX_NAME_LENGTH
    assert name.endswith("…")


def test_the_three_renderings_of_a_full_server_invite() -> None:
    invite = PublicServerInvite(
        platform="discord",
        code="abc",
        server=InviteServer(id="1", name="Python"),
        channel=InviteChannel(id="2", name="general"),
        member_count=1234,
        expires_at=datetime(2026, 12, 6, 15, 30, tzinfo=timezone.utc),
    )
    shown = preview(invite)
    assert shown.text() == (
        "Python — Discord server invite\n"
        "#general · 1,234 members · expires 2026-12-06 15:30 UTC\n"
        "https://discord.gg/abc"
    )
    assert shown.markdown().splitlines()[0] == "**Python** — Discord server invite"
    assert shown.markdown().splitlines()[-1] == "<https://discord.gg/abc>"
    assert shown.html() == (
        "<b>Python</b> — Discord server invite<br>"
        "#general · 1,234 members · expires 2026-12-06 15:30 UTC<br>"
        '<a href="https://discord.gg/abc">https://discord.gg/abc</a>'
    )


def test_a_friend_invite_is_named_after_the_inviter() -> None:
    invite = PublicFriendInvite(
        platform="discord", code="f", inviter=InviteUser(id="1", name="ann", display_name="Ann")
    )
    shown = preview(invite)
    assert (shown.kind, shown.name, shown.channel) == ("friend", "Ann", None)
    assert shown.text().startswith("Ann — Discord friend invite")


def test_one_member_is_singular() -> None:
    invite = PublicServerInvite(
        platform="fake", code="x", server=InviteServer(id="1", name="n"), member_count=1
    )
    assert "1 member" in preview(invite).text()
    assert "members" not in preview(invite).text()


def test_an_owner_view_server_invite_without_the_server_is_unnamed() -> None:
    invite = ServerInvite(platform="discord", code="abc", server_id="1")
    shown = preview(invite)
    assert (shown.kind, shown.name) == ("server", None)
    assert shown.text().startswith("Unnamed — Discord server invite")


def test_an_invite_of_an_unknown_platform_previews_without_a_link() -> None:
    invite = UnknownPublicInvite(platform="nowhere", code="abc", raw={})
    shown = preview(invite)
    assert (shown.kind, shown.url) == ("invite", None)
    assert shown.text() == "Unnamed — Nowhere invite"
    assert "<a" not in shown.html()
    assert "<" not in shown.markdown()


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "https://x.example/a b", "data:text/html,x"]
)
def test_only_a_link_invitekit_can_vouch_for_becomes_a_link(url: str) -> None:
    shown = InvitePreview(platform="fake", kind="invite", url=url)
    assert "<a" not in shown.html()
    assert "<a" not in _markdown_as_html(shown.markdown())
