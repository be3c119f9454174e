"""Matrix links: every form people paste, what is never an invite, and properties of the
parser over generated identifiers (Hypothesis). No homeserver needed."""

from __future__ import annotations

import contextlib
import importlib
import string
import sys
from urllib.parse import quote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from invitekit import InvalidArgument, InvalidInviteLink, InviteRef, find_invites, parse_invite
from invitekit.links import LinkScanner
from invitekit_matrix import MATRIX_LINK_RULES, MatrixAdapter

V12 = "!" + "Ab3_-" * 8 + "xyz"  # a room version 12 id: 43 characters, no server

FORMS = [
    # matrix.to: plain, percent-encoded, with via, permalinks
    ("https://matrix.to/#/#lounge:example.org", "#lounge:example.org", None, ()),
    ("https://matrix.to/#/%23lounge:example.org", "#lounge:example.org", None, ()),
    ("https://matrix.to/#/%23lounge%3Aexample.org", "#lounge:example.org", None, ()),
    ("matrix.to/#/#lounge:example.org", "#lounge:example.org", None, ()),
    ("HTTPS://MATRIX.TO/#/#lounge:example.org/", "#lounge:example.org", None, ()),
    (
        "https://matrix.to/#/!room:example.org?via=a.example&via=b.example",
        "!room:example.org",
        None,
        ("a.example", "b.example"),
    ),
    (f"https://matrix.to/#/{V12}?via=example.org", V12, None, ("example.org",)),
    (
        "https://matrix.to/#/%21room%3Aexample.org/%24event%3Aexample.org?via=example.org",
        "!room:example.org",
        "$event:example.org",
        ("example.org",),
    ),
    (f"https://matrix.to/#/{V12}/$Ev3nt_-x?via=example.org", V12, "$Ev3nt_-x", ("example.org",)),
    (
        "https://matrix.to/#/!room:example.org?action=join&via=x.example",
        "!room:example.org",
        None,
        ("x.example",),
    ),
    # ports and IPv6 literals, raw and encoded
    ("https://matrix.to/#/#a:example.org:8448", "#a:example.org:8448", None, ()),
    ("https://matrix.to/#/#a:[::1]:8448", "#a:[::1]:8448", None, ()),
    ("https://matrix.to/#/%23a:%5B2001:db8::1%5D", "#a:[2001:db8::1]", None, ()),
    ("https://matrix.to/#/#a:192.0.2.7", "#a:192.0.2.7", None, ()),
    ("https://matrix.to/#/!r:example.org?via=[::1]:8448", "!r:example.org", None, ("[::1]:8448",)),
    # aliases bridged from IRC keep their inner '#'
    ("https://matrix.to/#/#_oftc_%23debian:matrix.org", "#_oftc_#debian:matrix.org", None, ()),
    # matrix: URIs
    ("matrix:r/lounge:example.org", "#lounge:example.org", None, ()),
    ("MATRIX:r/lounge:example.org?action=join", "#lounge:example.org", None, ()),
    ("matrix:room/lounge:example.org", "#lounge:example.org", None, ()),
    # deprecated (an alias's events), but links of that shape exist
    ("matrix:r/lounge:example.org/e/ev", "#lounge:example.org", "$ev", ()),
    ("matrix:roomid/room:example.org?via=example.org", "!room:example.org", None, ("example.org",)),
    (
        "matrix:roomid/room:example.org/e/event?via=example.org",
        "!room:example.org",
        "$event",
        ("example.org",),
    ),
    (f"matrix:roomid/{V12[1:]}/event/ev1", V12, "$ev1", ()),
    ("matrix:r/_oftc_%23debian:matrix.org#fragment", "#_oftc_#debian:matrix.org", None, ()),
    # web clients
    ("https://app.element.io/#/room/#lounge:example.org", "#lounge:example.org", None, ()),
    ("https://app.element.io/#/room/%23lounge:example.org", "#lounge:example.org", None, ()),
    (
        "https://develop.element.io/#/room/!room:example.org/$ev?via=example.org",
        "!room:example.org",
        "$ev",
        ("example.org",),
    ),
    # a bare alias
    ("#lounge:example.org", "#lounge:example.org", None, ()),
    ("#lounge:localhost", "#lounge:localhost", None, ()),
    ("<#café:example.org>", "#café:example.org", None, ()),
]


@pytest.mark.parametrize(("link", "code", "event", "via"), FORMS, ids=[f[0] for f in FORMS])
def test_every_form_parses(link: str, code: str, event: str | None, via: tuple[str, ...]) -> None:
    ref = parse_invite(link)
    assert (ref.platform, ref.code, ref.event_id, ref.via) == ("matrix", code, event, via)
    assert ref.instance is None
    assert parse_invite(ref.url) == ref


NOT_INVITES = [
    "https://matrix.to/#/@alice:example.org",  # a user
    "https://matrix.to/#/%40alice%3Aexample.org",
    "https://matrix.to/#/+group:example.org",  # a group of old
    "https://matrix.to/#/",
    "https://matrix.to/#lounge:example.org",  # no "/" after the "#"
    "https://matrix.to/lounge",
    "https://matrix.to/#/#lounge:example.org/extra/segment",
    "https://matrix.to/#/#lounge:example.org/notanevent",
    "https://matrix.to/#/#lounge:example.org?via=evil.example/path",
    "https://matrix.to/#/#lounge:example.org?via=",
    "https://matrix.to/#/%23lounge%ZZ:example.org",
    "https://matrix.to/#/%23lo%FFunge:example.org",  # not UTF-8
    "https://matrix.to.evil.example/#/#lounge:example.org",
    "https://evil.example/#/room/#lounge:example.org",  # not a known client
    "https://app.element.io/#/lounge:example.org",
    "matrix:u/alice:example.org",
    "matrix://example.org/r/lounge:example.org",  # the authority is reserved
    "matrix:r/lounge",
    "matrix:r/",
    "#hashtag",
    "#lounge:",
    "#:example.org",
    "#lounge:example..org",
    "#lounge:-example.org",
    "#lounge:example.org:99999",
    "#lounge:example.org:0",
    "#lounge:[::1",
    "#lounge:[not:hex]",
    "#lounge:[fe80::1%eth0]",
    "#lounge:999.1.1.1",
    "#lounge:10.30",
    "#lo unge:example.org",
    "#lo/unge:example.org",
    "#lo\u202eunge:example.org",  # a right-to-left override
    "#lo\u200bunge:example.org",  # a zero-width space
    "#" + "a" * 250 + ":example.org",  # longer than 255 bytes
    "!room",  # a bare room id is only a code, not a link
    "!room:example.org",
    "$event:example.org",
    "@alice:example.org",
]


@pytest.mark.parametrize("text", NOT_INVITES)
def test_what_is_never_a_room(text: str) -> None:
    with pytest.raises(InvalidInviteLink):
        parse_invite(text)
    assert find_invites(f"see {text} now") == []


def test_room_ids_are_codes_given_with_the_platform() -> None:
    assert parse_invite("!room:example.org", platform="matrix").code == "!room:example.org"
    assert parse_invite(V12, platform="matrix").code == V12
    with pytest.raises(InvalidInviteLink):
        parse_invite("lounge", platform="matrix")


CHAT = [
    ("join #lounge:example.org!", ["#lounge:example.org"]),
    ("(#lounge:example.org)", ["#lounge:example.org"]),
    (
        "**#lounge:example.org**, or [here](https://matrix.to/#/%23b:example.org)",
        ["#lounge:example.org", "#b:example.org"],
    ),
    (
        "meet in #lounge:example.org. Or matrix:r/b:example.org?action=join.",
        ["#lounge:example.org", "#b:example.org"],
    ),
    ("irc folks: #_oftc_#debian:matrix.org", ["#_oftc_#debian:matrix.org"]),
    ("#lounge:example.org #lounge:example.org", ["#lounge:example.org"]),
    ("ipv6 test #a:[::1]:8448 ok", ["#a:[::1]:8448"]),
    # what prose is full of
    ("#hashtag #topic:thing #time:10.30 #ratio:16:9 #x:localhost", []),
    ("mail me at a#b:example.org or see https://example.org/page#x:example.org", []),
    ("#lounge:example.orgé", []),
    ("https://matrix.to/#/#lounge:example.org is the link", ["#lounge:example.org"]),
]


@pytest.mark.parametrize(("text", "codes"), CHAT)
def test_found_in_chat_text(text: str, codes: list[str]) -> None:
    assert [ref.code for ref in find_invites(text)] == codes


def test_web_client_hosts_are_configurable() -> None:
    adapter = MatrixAdapter(client_hosts=["chat.example.org", "https://Element.Example.NET/"])
    link = "https://chat.example.org/#/room/#lounge:example.org"
    assert adapter.ref(link) == InviteRef("matrix", "#lounge:example.org")
    assert adapter.ref("https://element.example.net/#/room/!r:example.org").code == "!r:example.org"
    assert {"chat.example.org", "element.example.net", "app.element.io"} <= adapter.client_hosts
    with pytest.raises(InvalidInviteLink):
        parse_invite(link)  # the registry knows Element's own hosts only
    for bad in ("chat.example.org/path", "chat.example.org:8080", "http://x.org", "not a host"):
        with pytest.raises(InvalidArgument):
            MatrixAdapter(client_hosts=[bad])


def test_canonical_links_are_matrix_to_percent_encoded() -> None:
    rules = MATRIX_LINK_RULES
    assert rules.canonical_url("#lounge:example.org") == "https://matrix.to/#/%23lounge:example.org"
    assert (
        rules.canonical_url("!r:example.org", "$e")
        == "https://matrix.to/#/!r:example.org/$e?via=example.org"
    )
    assert rules.canonical_url(V12) == f"https://matrix.to/#/{V12}"
    assert rules.canonical_url("#a:[::1]:8448") == "https://matrix.to/#/%23a:%5B::1%5D:8448"


def test_the_text_pattern_has_only_bounded_repeats() -> None:
    parser = importlib.import_module("re._parser" if sys.version_info >= (3, 11) else "sre_parse")
    constants = importlib.import_module(
        "re._constants" if sys.version_info >= (3, 11) else "sre_constants"
    )
    pattern = importlib.import_module("invitekit_matrix._links")._TEXT_CANDIDATES.pattern
    # The parsed pattern nests tuples and lists; every repeat's upper bound is in it as an
    # int, and only an unbounded one equals MAXREPEAT. Bounded repeats keep the work at
    # each position of a text bounded.
    parsed = repr(list(parser.parse(pattern)))
    assert "MAX_REPEAT" in parsed
    assert str(constants.MAXREPEAT) not in parsed
    assert str(int(constants.MAXREPEAT)) not in parsed


# -- properties -----------------------------------------------------------------------------

LABEL = st.text(string.ascii_lowercase + string.digits, min_size=1, max_size=12).filter(
    lambda label: not label.isdigit()
)
DNS = st.builds(
    lambda labels, tld: ".".join([*labels, tld]),
    st.lists(LABEL, min_size=1, max_size=3),
    st.text(string.ascii_lowercase, min_size=2, max_size=6),
)
IPV4 = st.ip_addresses(v=4).map(str)
IPV6 = st.ip_addresses(v=6).map(lambda address: f"[{address}]")
SERVER = st.builds(
    lambda host, port: host if port is None else f"{host}:{port}",
    DNS | IPV4 | IPV6,
    st.none() | st.integers(1, 65535),
)
LOCALPART = st.text(
    st.sampled_from([*string.ascii_letters, *string.digits, *"._=-+#!$&'*,;@~"])
    | st.characters(categories=["Ll", "Lu", "Lo", "Nd"], min_codepoint=0x80),
    min_size=1,
    max_size=20,
).filter(lambda text: ".." not in text)
ALIAS = st.builds(lambda local, server: f"#{local}:{server}", LOCALPART, SERVER)
ROOM_ID = st.builds(lambda local, server: f"!{local}:{server}", LOCALPART, SERVER) | st.text(
    string.ascii_letters + string.digits + "_-", min_size=43, max_size=43
).map(lambda opaque: f"!{opaque}")
CODE = ALIAS | ROOM_ID
VIA = st.lists(SERVER, max_size=3, unique=True).map(tuple)


def _encoded(code: str) -> str:
    return quote(code, safe="")


@given(CODE)
def test_a_canonical_link_parses_back_to_its_code(code: str) -> None:
    ref = parse_invite(MATRIX_LINK_RULES.canonical_url(code))
    assert (ref.platform, ref.code) == ("matrix", code)


@given(CODE, VIA)
def test_fully_encoded_links_with_via_keep_code_and_servers(
    code: str, via: tuple[str, ...]
) -> None:
    query = "&".join(f"via={_encoded(server)}" for server in via)
    link = f"https://matrix.to/#/{_encoded(code)}" + (f"?{query}" if query else "")
    ref = parse_invite(link)
    assert (ref.code, ref.via) == (code, via)


@given(ALIAS)
def test_a_matrix_uri_of_an_alias_parses(code: str) -> None:
    assert parse_invite(f"matrix:r/{_encoded(code[1:])}").code == code


@given(CODE)
def test_codes_pass_the_core_checks_and_make_refs(code: str) -> None:
    assert MATRIX_LINK_RULES.is_code(code)
    assert InviteRef("matrix", code).code == code


@given(
    st.sampled_from(["", "see ", "(", "**", "<", "> "]),
    st.sampled_from(["", " now", ".", "!", ")", "**", ">", ", then"]),
    CODE,
)
def test_a_canonical_link_is_found_in_prose(before: str, after: str, code: str) -> None:
    url = MATRIX_LINK_RULES.canonical_url(code)
    assert [ref.code for ref in find_invites(f"{before}{url}{after}")] == [code]


@given(st.text(max_size=300))
def test_anything_found_parses_back_and_nothing_raises(text: str) -> None:
    for ref in LinkScanner([MATRIX_LINK_RULES]).find(text):
        assert MATRIX_LINK_RULES.is_code(ref.code)
        assert parse_invite(ref.url) == ref
    with contextlib.suppress(InvalidInviteLink):
        parse_invite(text, platform="matrix")
