"""Matrix links: matrix.to, ``matrix:`` URIs, web clients' room links and bare aliases.

A Matrix "code" is a room alias (``#room:example.org``) or a room id (``!opaque`` or
``!opaque:example.org``); its canonical link is ``https://matrix.to/#/`` followed by it,
percent-encoded. What a link adds beside the room is kept on the ``InviteRef``: an
event (permalinks) in ``event_id``, routing servers (``?via=``) in ``via``. Links to
users, to the groups of old, and anything malformed are not invites.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from urllib.parse import quote, unquote

from invitekit import InvalidArgument, InvalidInviteLink, InviteRef, LinkForm, LinkRules
from invitekit_matrix._ids import is_alias, is_event_id, is_room_reference, is_server_name
from invitekit_matrix._ids import server_of as _server_of

__all__ = [
    "DEFAULT_CLIENT_HOSTS",
    "MATRIX_LINK_RULES",
    "MatrixLinkRules",
    "with_client_hosts",
]

MATRIX_TO = "matrix.to"
PLATFORM = "matrix"
"""Spelt out, not imported from _wire: finding links must not build the decoders."""
DEFAULT_CLIENT_HOSTS = ("app.element.io", "develop.element.io", "staging.element.io")
"""Element's own web app hosts, whose ``/#/room/…`` links are room links too."""
_MAX_VIA = 10
"""The most ``via`` servers kept from one link; a request carries each."""
_SAFE = "!$:@"
"""Characters left as they are in a canonical link's fragment (the specification's
examples keep them; ``#`` and everything else outside the unreserved set is encoded)."""
_URI_KINDS = {"r": "#", "room": "#", "roomid": "!"}
"""``matrix:`` path types of rooms, with their sigils (``room`` is the MSC's old name)."""
_EVENT_KINDS = frozenset({"e", "event"})
_TEXT_CANDIDATES = re.compile(
    # Where a link may start: as for every other platform's links.
    r"""(?<![^\s<(\[{"'`*_~|>])"""
    r"(?:"
    # A bare alias: the localpart may hold a '#' (aliases bridged from IRC).
    r"""(?P<alias>#[^\s:/\\?%"'<>`{}|^\[\]()]{1,250}:"""
    r"(?P<server>\[[0-9A-Fa-f:.]{2,45}\]|[A-Za-z0-9.-]{1,255})(?::[0-9]{1,5})?)"
    # A matrix: URI, up to a character no URI holds or prose wraps one in: printable
    # ASCII without " ' ( ) < > \ ^ ` { | } (spelt positively: it compiles 30x faster).
    r"|(?i:matrix):[!#-&*-;=?-\[\]_a-z~]{1,2000}"
    r")"
)


def _decoded(segment: str) -> str | None:
    try:
        return unquote(segment, errors="strict")
    except UnicodeDecodeError:
        return None


def _via(query: str) -> tuple[str, ...] | None:
    """The ``via`` servers of a query, in order, each once; ``None`` if one is malformed."""
    servers: list[str] = []
    for pair in query.split("&") if query else ():
        name, _, value = pair.partition("=")
        if name != "via":
            continue  # action=join and custom parameters say nothing about the room
        server = _decoded(value)
        if server is None or not is_server_name(server):
            return None
        if server not in servers and len(servers) < _MAX_VIA:
            servers.append(server)
    return tuple(servers)


@dataclass(frozen=True)
class MatrixLinkRules(LinkRules):
    """The link rules of Matrix, with the hosts of the web clients whose room links count.

    Attributes:
        client_hosts: Hosts of web clients (Element and the like) whose
            ``https://{host}/#/room/{room}`` links are room links.
    """

    client_hosts: frozenset[str] = field(default_factory=frozenset)

    def is_code(self, code: str) -> bool:
        """Return whether ``code`` is a room alias or a room id."""
        return is_room_reference(code)

    def accepts_identifier(self, value: str) -> bool:
        """Return whether ``value`` is a room alias, a room id or an event id: Matrix's
        identifiers hold ``#``, ``!``, ``:`` and ``$``, and the adapter percent-encodes
        every one it sends."""
        return is_room_reference(value) or is_event_id(value)

    def canonical_url(self, code: str, event_id: str | None = None) -> str:
        """Return ``https://matrix.to/#/{code}`` (with ``/{event_id}``), percent-encoded;
        a room id with a server part names that server as ``via``."""
        url = f"https://{MATRIX_TO}/#/{quote(code, safe=_SAFE)}"
        if event_id is not None:
            url = f"{url}/{quote(event_id, safe=_SAFE)}"
        server = _server_of(code) if code.startswith("!") else None
        if server is not None:
            url = f"{url}?via={quote(server, safe=':')}"
        return url

    def match_link(self, form: LinkForm, rest: str) -> InviteRef | None:
        """Read the room (and event, and ``via`` servers) from a matrix.to link's fragment
        (``/#/{room}``) or a web client's (``/#/room/{room}``)."""
        if form.host == MATRIX_TO:
            prefix = "/#/"
        elif form.host in self.client_hosts:
            prefix = "/#/room/"
        else:
            return None
        if not rest.startswith(prefix):
            return None
        target, _, query = rest[len(prefix) :].partition("?")
        segments = target.split("/")
        if len(segments) > 1 and not segments[-1]:
            segments.pop()  # a trailing slash
        if not 1 <= len(segments) <= 2:
            return None
        code = _decoded(segments[0])
        event = _decoded(segments[1]) if len(segments) == 2 else None
        if code is None or (len(segments) == 2 and event is None):
            return None
        return self._ref(code, event, query)

    def match_text(self, text: str) -> InviteRef | None:
        """Read a ``matrix:`` URI (``matrix:r/…``, ``matrix:roomid/…[/e/…]``) or a bare
        room alias (``#room:example.org``)."""
        if text[:7].lower() == "matrix:":
            return self._uri(text[7:])
        if text.startswith("#") and is_alias(text):
            return self._ref(text, None, "")
        return None

    def find_in_text(self, text: str) -> Iterable[tuple[int, int]]:
        """Spans of ``matrix:`` URIs and bare aliases in chat text. A bare alias counts
        only with a server name that looks like one in prose (a dotted name with an
        alphabetic top-level label, or an IP literal): ``#topic:thing`` is no room."""
        # Every candidate holds a colon, and a '#' or the scheme; most chat messages have
        # neither, and these tests cost less than the expression. (A scheme in mixed case,
        # "mAtRiX:", is found only beside a '#'; parse_invite takes it alone.)
        if ":" not in text or ("#" not in text and "atrix:" not in text and "ATRIX:" not in text):
            return ()
        spans = []
        for match in _TEXT_CANDIDATES.finditer(text):
            server = match.group("server")
            if server is not None:
                # The scanner drops a sentence's full stop after the link; so does this.
                name = match.group("alias").partition(":")[2].rstrip(".")
                if not is_server_name(name, in_prose=True):
                    continue
            spans.append(match.span())
        return spans

    def _uri(self, rest: str) -> InviteRef | None:
        # The fragment and the authority are reserved by the specification, and unused.
        rest = rest.partition("#")[0]
        path, _, query = rest.partition("?")
        if path.startswith("/"):
            return None
        parts = path.split("/")
        if len(parts) not in (2, 4) or parts[0] not in _URI_KINDS:
            return None
        code = _decoded(parts[1])
        event = None
        if len(parts) == 4:
            event = _decoded(parts[3])
            if parts[2] not in _EVENT_KINDS or event is None:
                return None
            event = f"${event}"
        if code is None:
            return None
        return self._ref(_URI_KINDS[parts[0]] + code, event, query)

    def _ref(self, code: str, event: str | None, query: str) -> InviteRef | None:
        via = _via(query)
        if via is None or not is_room_reference(code):
            return None
        if event is not None and not is_event_id(event):
            return None
        try:
            return InviteRef(self.platform, code, event, self.instance, via)
        except InvalidInviteLink:
            return None  # Matrix is not registered, so no ref can hold its codes


def _client_host(value: str) -> str:
    host = value.strip().lower().removeprefix("https://").rstrip("/")
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError:
        host = ""
    if ":" in host or not is_server_name(host, in_prose=True):
        raise InvalidArgument(
            f"not a web client's host name (expected e.g. 'chat.example.org'): {value!r}",
            platform=PLATFORM,
        )
    return host


def with_client_hosts(rules: MatrixLinkRules, hosts: Iterable[str]) -> MatrixLinkRules:
    """Return ``rules`` that also take ``https://{host}/#/room/{room}`` links of the web
    clients on ``hosts`` (self-hosted Element, say).

    Raises:
        InvalidArgument: A value is not a host name (``https://`` in front is fine;
            paths, ports and other schemes are not).
    """
    if isinstance(hosts, str):
        hosts = (hosts,)
    added = tuple(dict.fromkeys(_client_host(host) for host in hosts))
    forms = (*rules.forms, *(LinkForm(host) for host in added))
    return replace(
        rules,
        forms=tuple(dict.fromkeys(forms)),
        client_hosts=rules.client_hosts | frozenset(added),
    )


MATRIX_LINK_RULES = MatrixLinkRules(
    platform=PLATFORM,
    forms=(LinkForm(MATRIX_TO), *(LinkForm(host) for host in DEFAULT_CLIENT_HOSTS)),
    canonical=f"https://{MATRIX_TO}/#/{{code}}",
    min_length=3,
    max_length=255,
    text_markers=":",  # every alias and every matrix: URI holds a colon
    client_hosts=frozenset(DEFAULT_CLIENT_HOSTS),
)
"""Matrix's links: matrix.to, ``matrix:`` URIs, Element's web app and bare aliases."""
