"""Link rules and the scanner: exact hosts, checked codes, wrappers, linear scanning."""

from __future__ import annotations

import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from invitekit import (
    InvalidInviteLink,
    InviteRef,
    LinkForm,
    LinkRules,
    LinkScanner,
    UnknownPlatform,
    find_invites,
    parse_invite,
)

CHAT = LinkRules(
    platform="chat",
    forms=(LinkForm("chat.gg"), LinkForm("www.chat.gg"), LinkForm("chat.example.com", "/invite/")),
    canonical="https://chat.gg/{code}",
    min_length=2,
    max_length=32,
    event_param="event",
)
OTHER = LinkRules(
    platform="other",
    forms=(LinkForm("other.test", "/join/"),),
    canonical="https://other.test/join/{code}",
    code_chars=string.ascii_letters + string.digits,
    reserved=frozenset({"discover"}),
)
SCANNER = LinkScanner([CHAT, OTHER])


def chat(code: str, event: str | None = None) -> InviteRef:
    return InviteRef("chat", code, event)


POSITIVE = [
    ("chat.gg/abc", chat("abc")),
    ("https://chat.gg/abc", chat("abc")),
    ("http://chat.gg/abc", chat("abc")),
    ("HTTPS://CHAT.GG/AbC", chat("AbC")),
    ("hTtPs://ChAt.Gg/AbC", chat("AbC")),
    ("https://www.chat.gg/abc", chat("abc")),
    ("https://chat.example.com/invite/abc", chat("abc")),
    ("https://chat.example.com/INVITE/abc", chat("abc")),
    ("https://chat.gg/abc/", chat("abc")),
    ("https://chat.gg/abc?event=123", chat("abc", "123")),
    ("https://chat.gg/abc?x=1&event=123#top", chat("abc", "123")),
    ("https://chat.gg/abc?event=notanumber", chat("abc")),
    ("https://chat.gg/abc#fragment", chat("abc")),
    ("https://chat.gg/abc?utm=1", chat("abc")),
    ("  https://chat.gg/abc  ", chat("abc")),
    ("<https://chat.gg/abc>", chat("abc")),
    ("https://chat.gg/a-b_c", chat("a-b_c")),
    ("https://\uff43\uff48\uff41\uff54.gg/abc", chat("abc")),  # IDNA folds full-width to ASCII
    ("other.test/join/Testers", InviteRef("other", "Testers")),
    ("https://OTHER.test/join/AbC123", InviteRef("other", "AbC123")),
]

NEGATIVE = [
    "",
    "   ",
    "abc",
    "chat.gg",
    "chat.gg/",
    "https://chat.gg/a",  # shorter than min_length
    "https://chat.gg/" + "a" * 33,  # longer than max_length
    "https://chat.gg.evil.com/abc",
    "https://evil.com/chat.gg/abc",
    "https://chat.gg@evil.com/abc",
    "https://user@chat.gg/abc",
    "https://chat.gg:443/abc",
    "https://chat.gg./abc",
    "https://xchat.gg/abc",
    "https://evilchat.gg/abc",
    "https://\u0441hat.gg/abc",  # Cyrillic es
    "https://ch\u0430t.gg/abc",  # Cyrillic a
    "https://xn--hat-8cd.gg/abc",
    "https://chat.gg/abc/def",
    "https://chat.gg/invite/abc",
    "https://chat.gg/ab%63",
    "https://chat.gg/%2e%2e",
    "https://chat.gg/../abc",
    "https://chat.gg/ab.c",
    "https://chat.gg/ab\u200bc",
    "https://chat.gg/abcé",
    "ftp://chat.gg/abc",
    "javascript://chat.gg/abc",
    "//chat.gg/abc",
    "https:/chat.gg/abc",
    "https://chat.example.com/abc",
    "https://chat.example.com/invites/abc",
    "https://other.test/join/discover",
    "https://other.test/join/DISCOVER",
    "https://other.test/join/a-b",
    "https://other.test/abc",
    "https://chat.gg\\@evil.com/abc",
    "mailto:someone@chat.gg",
]


@pytest.mark.parametrize(("text", "expected"), POSITIVE)
def test_parse_accepts(text: str, expected: InviteRef) -> None:
    assert SCANNER.parse(text) == expected
    assert SCANNER.parse(text, platform=expected.platform) == expected


@pytest.mark.parametrize("text", NEGATIVE)
def test_parse_refuses(text: str) -> None:
    with pytest.raises(InvalidInviteLink):
        SCANNER.parse(text)
    assert SCANNER.match_url(text.strip()) is None


@pytest.mark.parametrize("text", NEGATIVE)
def test_find_ignores_non_invites(text: str) -> None:
    assert SCANNER.find(f"look: {text} !") == []


def test_a_space_ends_a_link_in_text_but_spoils_a_single_link() -> None:
    with pytest.raises(InvalidInviteLink):
        SCANNER.parse("https://chat.gg/abc def")
    assert SCANNER.find("https://chat.gg/abc def") == [chat("abc")]


def test_bare_codes_need_a_platform() -> None:
    assert SCANNER.parse("abc", platform="chat") == chat("abc")
    assert SCANNER.parse(" Testers ", platform="other") == InviteRef("other", "Testers")
    for bad in ("", "a", "a/b", "a b", "a.b", "discover"):
        with pytest.raises(InvalidInviteLink):
            SCANNER.parse(bad, platform="other" if bad == "discover" else "chat")


def test_a_link_to_another_platform_is_refused_with_platform() -> None:
    with pytest.raises(InvalidInviteLink, match="is a chat invite"):
        SCANNER.parse("https://chat.gg/abc", platform="other")


def test_unknown_platform_is_its_own_error() -> None:
    with pytest.raises(UnknownPlatform):
        SCANNER.parse("abc", platform="nope")


def test_parse_refuses_non_strings() -> None:
    with pytest.raises(InvalidInviteLink):
        SCANNER.parse(b"https://chat.gg/abc")  # type: ignore[arg-type]


FIND = [
    ("join https://chat.gg/abc now", [chat("abc")]),
    ("join chat.gg/abc.", [chat("abc")]),
    ("join chat.gg/abc, or chat.gg/def!", [chat("abc"), chat("def")]),
    ("(see https://chat.gg/abc)", [chat("abc")]),
    ("[our server](https://chat.gg/abc)", [chat("abc")]),
    ("[chat.gg/abc](https://chat.gg/abc)", [chat("abc")]),
    ("<https://chat.gg/abc>", [chat("abc")]),
    ('"https://chat.gg/abc"', [chat("abc")]),
    ("'chat.gg/abc'", [chat("abc")]),
    ("`chat.gg/abc`", [chat("abc")]),
    ("**chat.gg/abc**", [chat("abc")]),
    ("||chat.gg/abc||", [chat("abc")]),
    ("chat.gg/abc?event=42...", [chat("abc", "42")]),
    ("a chat.gg/abc b chat.gg/abc c", [chat("abc")]),
    ("chat.gg/abc chat.gg/abc?event=1", [chat("abc"), chat("abc", "1")]),
    ("other.test/join/X1 then chat.gg/y2", [InviteRef("other", "X1"), chat("y2")]),
    ("加入 chat.gg/abc。谢谢", [chat("abc")]),
    ("line one\nchat.gg/abc\nline three", [chat("abc")]),
    ("evil.com/chat.gg/abc", []),
    ("chat.gg/abc/..", []),
    ("see chat.gg/abc/. now", []),
    ("chat.gg/abc\x00", []),
    ("chat.gg/abc\x07!", []),
    ("chat.gg/abc\tand more", [chat("abc")]),
    ("https://evil.com/?next=https://chat.gg/abc", []),
    ("https://evil.com/r#https://chat.gg/abc", []),
    ("xchat.gg/abc", []),
    ("user@chat.gg/abc", []),
    ("chat.gg/abc/def", []),
    ("chat.gg.evil.com/abc", []),
    ("加入chat.gg/abc", []),
    ("", []),
]


@pytest.mark.parametrize(("text", "expected"), FIND)
def test_find(text: str, expected: list[InviteRef]) -> None:
    assert SCANNER.find(text) == expected


def test_canonical_url_and_event() -> None:
    assert CHAT.canonical_url("abc") == "https://chat.gg/abc"
    assert CHAT.canonical_url("abc", "9") == "https://chat.gg/abc?event=9"
    assert OTHER.canonical_url("abc", "9") == "https://other.test/join/abc"


def test_with_forms_adds_hosts_once() -> None:
    extra = LinkForm("chat.self-hosted.org", "/invite/")
    rules = CHAT.with_forms(extra, extra, LinkForm("chat.gg"))
    assert rules.forms == (*CHAT.forms, extra)
    scanner = LinkScanner([rules])
    assert scanner.parse("https://chat.self-hosted.org/invite/abc") == chat("abc")
    with pytest.raises(InvalidInviteLink):
        SCANNER.parse("https://chat.self-hosted.org/invite/abc")


@pytest.mark.parametrize(
    ("host", "prefix"),
    [
        ("", "/"),
        ("Chat.gg", "/"),
        ("chät.gg", "/"),
        ("chat.gg", "invite/"),
        ("chat.gg", "/Invite/"),
    ],
)
def test_link_form_validation(host: str, prefix: str) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - the message varies with the problem
        LinkForm(host, prefix)


def test_two_platforms_cannot_claim_one_form() -> None:
    clash = LinkRules(platform="clash", forms=(LinkForm("chat.gg"),), canonical="x/{code}")
    with pytest.raises(ValueError, match="both claim"):
        LinkScanner([CHAT, clash])


def test_an_empty_scanner_finds_nothing() -> None:
    assert LinkScanner([]).find("https://chat.gg/abc") == []


def test_registered_platforms_are_scanned() -> None:
    ref = InviteRef("fake", "abc")
    assert parse_invite("https://fake.invitekit.test/abc") == ref
    assert parse_invite("abc", platform="fake") == ref
    assert find_invites("hey fake.invitekit.test/abc!") == [ref]
    assert ref.url == "https://fake.invitekit.test/abc"
    assert str(ref) == ref.url


# -- properties ---------------------------------------------------------------------------

CODE = st.text(string.ascii_letters + string.digits + "-_", min_size=2, max_size=32)
PROSE = st.text(st.characters(exclude_categories=["Cs"]), max_size=200)


@given(st.text(max_size=300))
def test_parse_raises_only_invalid_invite_link(text: str) -> None:
    try:
        ref = SCANNER.parse(text)
    except InvalidInviteLink:
        return
    assert SCANNER.rules[ref.platform].is_code(ref.code)


@given(PROSE)
def test_find_returns_only_checked_links(text: str) -> None:
    for ref in SCANNER.find(text):
        assert SCANNER.rules[ref.platform].is_code(ref.code)
        assert SCANNER.parse(SCANNER.rules[ref.platform].canonical_url(ref.code)).code == ref.code


@given(CODE, st.sampled_from([f.host + f.prefix for f in CHAT.forms]), PROSE, PROSE)
def test_a_link_between_spaces_is_always_found(
    code: str, base: str, before: str, after: str
) -> None:
    refs = SCANNER.find(f"{before} https://{base}{code} {after}")
    assert chat(code) in refs


@given(CODE)
def test_canonical_urls_parse_back(code: str) -> None:
    assert SCANNER.parse(CHAT.canonical_url(code)) == chat(code)
    assert SCANNER.parse(CHAT.canonical_url(code, "77")) == chat(code, "77")


@pytest.mark.parametrize(
    "text",
    [
        "chat.gg/" * 20_000,
        "https://chat.gg/" + "a" * 200_000,
        "(" * 100_000 + "chat.gg/abc",
        "https://" * 20_000,
        "chat.gg/abc?" + "event=1&" * 20_000,
    ],
)
def test_hostile_long_inputs_are_scanned_in_one_pass(text: str) -> None:
    # Quadratic scanning would take minutes on these; linear takes milliseconds.
    refs = SCANNER.find(text)
    assert len(refs) <= 1
