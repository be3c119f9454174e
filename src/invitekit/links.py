"""Invite links: the rules each adapter declares and the scanner that applies them.

A link is accepted only when its host equals one of the declared hosts exactly, after
lower-casing and IDNA; ``discord.gg.evil.com``, ``evil.com/discord.gg/x``,
``discord.gg@evil.com/x`` and homoglyph hosts are not invites. Codes are checked against
the platform's alphabet before an ``InviteRef`` is made, so no empty or unchecked code
ever leaves this module.

Scanning free text runs one precompiled regular expression without nested quantifiers
(linear time), then re-checks every candidate with the same strict parser that
``parse_invite`` uses. A platform whose links are not ``https://host/path`` (a code in the
fragment, a URI scheme of its own, a name marked by a sigil in chat text) overrides
``LinkRules.match_link``, ``match_text`` and ``find_in_text``; the scanner asks them
beside its own expression.
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace

from invitekit._instances import instance_name, link_hosts, owner_name
from invitekit.errors import InvalidArgument, InvalidInviteLink, UnknownPlatform
from invitekit.refs import InviteRef

__all__ = ["LinkForm", "LinkRules", "LinkScanner", "find_invites", "parse_invite"]

_DEFAULT_CODE_CHARS = string.ascii_letters + string.digits + "-_"
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*)://")
_WHITESPACE = re.compile(r"\s")
# Prose punctuation that may follow a link in a sentence without belonging to it.
_TRAILING_PROSE = ".,;:!?*~"


@dataclass(frozen=True, slots=True)
class LinkForm:
    """One accepted link shape: an exact host and the path that precedes the code.

    Args:
        host: The host, exactly (``"discord.gg"``, ``"www.discord.gg"``); compared after
            lower-casing and IDNA.
        prefix: The path up to the code, starting and ending with ``/`` (``"/invite/"``);
            matched case-insensitively.

    Raises:
        ValueError: The host is empty or not lower-case ASCII, or the prefix is not
            lower-case or does not start and end with ``/``.
    """

    host: str
    prefix: str = "/"

    def __post_init__(self) -> None:
        if not self.host or not self.host.isascii() or self.host != self.host.lower():
            raise ValueError(f"link host must be non-empty lower-case ASCII: {self.host!r}")
        if not (self.prefix.startswith("/") and self.prefix.endswith("/")):
            raise ValueError(f"link prefix must start and end with '/': {self.prefix!r}")
        if self.prefix != self.prefix.lower():
            raise ValueError(f"link prefix must be lower-case: {self.prefix!r}")


@dataclass(frozen=True)
class LinkRules:
    """How one platform's invite links look.

    Args:
        platform: The platform name these rules belong to.
        forms: Every accepted host and path shape.
        canonical: The canonical link, with ``{code}`` where the code goes.
        code_chars: Every character a code may contain.
        min_length: The shortest valid code.
        max_length: The longest valid code.
        event_param: A query parameter carrying an event id (Discord ``event``), if any.
        reserved: Path words that are pages, not codes (``discover``); case-insensitive.
        instance: The instance of the platform these links lead to; ``None`` for the
            official one. Refs found with these rules carry it.
        self_hosted_prefix: The path before the code on a self-hosted instance's hosts
            (``"/invite/"``), or ``None`` if the platform cannot be self-hosted; see
            ``self_hosted``.
        text_markers: For rules with forms of their own (``find_in_text``): characters
            one of which every such link holds. The scanner asks ``find_in_text`` only
            about text holding one, which spares most messages a call; empty (the
            default) asks about all text.
    """

    platform: str
    forms: tuple[LinkForm, ...]
    canonical: str
    code_chars: str = _DEFAULT_CODE_CHARS
    min_length: int = 1
    max_length: int = 64
    event_param: str | None = None
    reserved: frozenset[str] = field(default_factory=frozenset)
    instance: str | None = None
    self_hosted_prefix: str | None = None
    text_markers: str = ""

    @property
    def owner(self) -> str:
        """``platform``, or ``platform@instance`` for a self-hosted instance: who the links
        lead to, for messages."""
        return owner_name(self.platform, self.instance)

    def is_code(self, code: str) -> bool:
        """Return whether ``code`` is a well-formed invite code on this platform."""
        return (
            self.min_length <= len(code) <= self.max_length
            # Stripping every allowed character leaves nothing only if no other is present.
            and not code.strip(self.code_chars)
            and code.lower() not in self.reserved
        )

    def canonical_url(self, code: str, event_id: str | None = None) -> str:
        """Return the canonical link for ``code`` (and ``event_id``, where supported)."""
        url = self.canonical.format(code=code)
        if event_id is not None and self.event_param is not None:
            url = f"{url}?{self.event_param}={event_id}"
        return url

    def with_forms(self, *forms: LinkForm) -> LinkRules:
        """Return a copy that also accepts ``forms`` (self-hosted instances, for one)."""
        combined = list(self.forms)
        combined.extend(form for form in dict.fromkeys(forms) if form not in self.forms)
        return replace(self, forms=tuple(combined))

    def self_hosted(
        self, hosts: Iterable[str] | str = (), *, instance: str | None = None
    ) -> LinkRules:
        """Return the rules of a self-hosted instance of this platform: links
        ``https://{host}{self_hosted_prefix}{code}`` on each of ``hosts`` (the first
        canonical) and on no official host, with the official rules' code alphabet.

        Hosts are host names or ``http(s)://`` origins. The instance is named
        ``instance``, or after its first host; a name given without hosts is the host. A
        name with a dot must be one of the hosts: an invite of the instance can then be
        linked from its name alone (``Adapter.instance_link_rules``). A name without one
        (``"work"``) is a label only the instance's adapter can link.

        Raises:
            InvalidArgument: The platform declares no ``self_hosted_prefix``, no host is
                given, a host is not a host name (paths, ports and credentials are
                refused: links are matched on their exact host), or the name is not
                letters, digits, ``.``, ``_`` and ``-``, or has a dot but is none of the
                hosts.
        """
        if self.self_hosted_prefix is None:
            raise InvalidArgument(
                f"{self.platform} has no self-hosted instances", platform=self.platform
            )
        names = link_hosts(hosts, platform=self.platform)
        if not names and instance is not None:
            names = link_hosts(instance, platform=self.platform)
        if not names:
            raise InvalidArgument(
                f"a self-hosted {self.platform} instance needs a link host "
                "(the host of its invite links)",
                platform=self.platform,
            )
        prefix = self.self_hosted_prefix
        return replace(
            self,
            forms=tuple(LinkForm(host, prefix) for host in names),
            canonical=f"https://{names[0]}{prefix}{{code}}",
            instance=instance_name(instance, names, platform=self.platform),
        )

    def code_in_path(self, form: LinkForm, path: str) -> str | None:
        """Return the code if ``path`` is ``form.prefix + code`` with an optional ``/``."""
        if path[: len(form.prefix)].lower() != form.prefix:
            return None
        code = path[len(form.prefix) :]
        if code.endswith("/"):
            code = code[:-1]
        return code if self.is_code(code) else None

    def accepts_identifier(self, value: str) -> bool:
        """Return whether ``value`` is a code or id of this platform although it holds a
        character invitekit's universal check refuses because it could change a URL
        (``#``, ``:``, ``@``, ``%``, whitespace …). ``False`` by default.

        Override it only for identifiers that need such characters (Matrix's
        ``#room:example.org``), accept nothing else, and percent-encode every value
        put into a request (``Route`` does). ``..`` and empty values are refused before
        this is asked. Must not raise.
        """
        return False

    def match_link(self, form: LinkForm, rest: str) -> InviteRef | None:
        """Return the invite a link on ``form``'s host names, or ``None``.

        Args:
            form: The form whose host the link has.
            rest: Everything after the host: the path, then any query and fragment.

        The default reads the code from the path and the event from the query, and
        ignores the fragment; rules of links that carry their code elsewhere (in the
        fragment, say) override it. It must not raise.
        """
        path, _, query = rest.partition("#")[0].partition("?")
        code = self.code_in_path(form, path)
        if code is None:
            return None
        return InviteRef(self.platform, code, self.event_in_query(query), self.instance)

    def match_text(self, text: str) -> InviteRef | None:
        """Return the invite ``text`` names when the whole of it is a link of a form that
        is not ``https://host/path``: a URI scheme of the platform's own, or a name
        marked by a sigil in chat text. ``None`` by default.

        Rules that override it override ``find_in_text`` too, and must not raise.
        """
        return None

    def find_in_text(self, text: str) -> Iterable[tuple[int, int]]:
        """Return where links of the forms ``match_text`` parses may start and end in
        ``text``, as ``(start, end)`` spans in order; none by default.

        Candidates need not be exact: the scanner drops prose punctuation after each,
        refuses one that runs on into a letter, and keeps it only if ``match_text``
        accepts it. Must not raise, and should run in time linear in ``len(text)``.
        """
        return ()

    def event_in_query(self, query: str) -> str | None:
        """Return the event id carried by ``query``, if it carries a numeric one."""
        if self.event_param is None or not query:
            return None
        for pair in query.split("&"):
            name, _, value = pair.partition("=")
            if name == self.event_param and value.isascii() and value.isdigit():
                return value
        return None


def _continues(text: str, end: int) -> bool:
    """Whether the link text goes on past ``end`` in a way that makes its code ambiguous.

    A letter or digit (``discord.gg/abcé``), an invisible format character (a zero-width
    space splitting a code) or a control character right after the ASCII part means the
    visible code is not the one the regex saw; punctuation and whitespace are fine.
    """
    if end >= len(text):
        return False
    follower = text[end]
    if follower.isalnum():
        return True
    return unicodedata.category(follower) in ("Cf", "Cc") and not follower.isspace()


def _normalise_host(authority: str) -> str | None:
    host = authority.lower()
    if host.isascii():
        return host
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return None


class LinkScanner:
    """Finds and parses invite links for a fixed set of platforms' ``LinkRules``.

    Several instances of one platform may be given (the official one and self-hosted
    ones); ``parse`` with a ``platform`` and a bare code picks the official instance's
    rules, or the first given.

    Raises:
        ValueError: On construction, if two platforms or instances claim the same host and
            prefix.
    """

    def __init__(self, rules: Iterable[LinkRules]) -> None:
        rules = tuple(rules)
        self._rules: dict[str, LinkRules] = {}
        self._by_host: dict[str, list[tuple[LinkRules, LinkForm]]] = {}
        claimed: dict[tuple[str, str], str] = {}
        for rule in rules:
            if rule.platform not in self._rules or rule.instance is None:
                self._rules[rule.platform] = rule
            for form in rule.forms:
                owner = claimed.setdefault((form.host, form.prefix), rule.owner)
                if owner != rule.owner:
                    raise ValueError(
                        f"{rule.owner!r} and {owner!r} both claim {form.host}{form.prefix}"
                    )
                self._by_host.setdefault(form.host, []).append((rule, form))
        # Rules with links of their own shape (not host/path) are asked separately, and
        # only about text holding one of their markers when every one of them has some.
        self._text_rules = tuple(
            rule for rule in rules if type(rule).match_text is not LinkRules.match_text
        )
        markers = "".join(sorted({char for rule in self._text_rules for char in rule.text_markers}))
        self._text_marker = (
            re.compile(f"[{re.escape(markers)}]")
            if markers and all(rule.text_markers for rule in self._text_rules)
            else None
        )
        hosts = sorted(self._by_host, key=len, reverse=True)
        alternatives = "|".join(re.escape(host) for host in hosts) or r"(?!)"
        self._candidates = re.compile(
            # Start of text, whitespace or opening punctuation before the link: a host in
            # the middle of a word, path or query (evil.com/discord.gg/x) is no link.
            r"""(?<![^\s<(\[{"'`*_~|>])"""
            r"(?:(?i:https?)://)?"
            rf"(?i:{alternatives})"
            r"(?=/)"
            # The rest of the URL: printable ASCII without the delimiters prose wraps links
            # in (" ' ( ) < > [ ] \ ^ ` { | }), spelt as what it allows: the same class
            # written as a negation of all of Unicode takes 2.5 ms to compile. Case-
            # insensitivity stays scoped to scheme and host: applied to this class it
            # would let non-ASCII letters fold onto ASCII ones.
            r"[!#-&*-;=?-Z_a-z~]*"
        )

    @property
    def rules(self) -> Mapping[str, LinkRules]:
        """The rules in use, by platform (the official instance's, or the first given)."""
        return self._rules

    def match_url(self, url: str) -> InviteRef | None:
        """Return the invite ``url`` links to, or ``None`` if it is not an invite link."""
        for rule in self._text_rules:
            ref = rule.match_text(url)
            if ref is not None:
                return ref
        if "/" not in url:
            return None  # every form has a path: a bare code never needs the steps below
        if _WHITESPACE.search(url):
            return None
        scheme = _SCHEME.match(url)
        if scheme is not None:
            if scheme.group(1).lower() not in ("http", "https"):
                return None
            url = url[scheme.end() :]
        end = len(url)
        for delimiter in "/?#":
            index = url.find(delimiter)
            if index != -1 and index < end:
                end = index
        authority, rest = url[:end], url[end:]
        if not authority or "@" in authority or ":" in authority:
            return None
        host = _normalise_host(authority)
        candidates = self._by_host.get(host) if host is not None else None
        if not candidates:
            return None
        for rule, form in candidates:
            ref = rule.match_link(form, rest)
            if ref is not None:
                return ref
        return None

    def parse(self, text: str, *, platform: str | None = None) -> InviteRef:
        """Parse one link in any accepted form or, with ``platform``, a bare code.

        Raises:
            InvalidInviteLink: ``text`` is neither (also a ``ValueError``), or it is a
                link to another platform than ``platform``.
            UnknownPlatform: ``platform`` has no link rules here.
        """
        if not isinstance(text, str):
            raise InvalidInviteLink(f"expected a string, got {type(text).__name__}")
        rule = None
        if platform is not None:
            rule = self._rules.get(platform)
            if rule is None:
                raise UnknownPlatform(f"no link rules for platform {platform!r}", platform=platform)
        candidate = text.strip()
        if candidate.startswith("<") and candidate.endswith(">"):
            candidate = candidate[1:-1]
        ref = self.match_url(candidate)
        if ref is not None:
            if platform is not None and ref.platform != platform:
                raise InvalidInviteLink(
                    f"{text!r} is a {ref.platform} invite, not a {platform} one",
                    platform=platform,
                )
            return ref
        if rule is not None and rule.is_code(candidate):
            return InviteRef(rule.platform, candidate, instance=rule.instance)
        raise InvalidInviteLink(
            f"{text!r} is not an invite link"
            + ("" if platform is None else f" or a {platform} invite code"),
            platform=platform,
        )

    def find(self, text: str) -> list[InviteRef]:
        """Return every invite link in ``text``, in order of first appearance, each once."""
        found: list[InviteRef] = []
        own = []
        if self._text_rules and (self._text_marker is None or self._text_marker.search(text)):
            own = self._own_spans(text)
        if not own and "/" not in text:
            # Every host/path link has a '/' after its host; most chat messages have none
            # at all, and this test costs a fraction of the regular expression's pass.
            return found
        seen: set[InviteRef] = set()
        for start, end, rule in self._spans(text, own):
            ref = self._candidate(text, start, end, rule)
            if ref is not None and ref not in seen:
                seen.add(ref)
                found.append(ref)
        return found

    def _own_spans(self, text: str) -> list[tuple[int, int, LinkRules]]:
        return [
            (start, end, rule)
            for rule in self._text_rules
            for start, end in rule.find_in_text(text)
        ]

    def _spans(
        self, text: str, own: list[tuple[int, int, LinkRules]]
    ) -> Iterator[tuple[int, int, LinkRules | None]]:
        """Candidate links in ``text`` in order, none inside an earlier one: the host/path
        candidates of the expression, merged with the spans ``own`` rules found (with the
        rule, where the expression's have ``None``)."""
        generic: Iterator[tuple[int, int, LinkRules | None]] = (
            (match.start(), match.end(), None) for match in self._candidates.finditer(text)
        )
        if not own:
            yield from generic
            return
        if "/" not in text:
            generic = iter(())
        covered = 0
        for start, end, rule in sorted([*generic, *own], key=lambda span: span[0]):
            if start >= covered:
                covered = end
                yield start, end, rule

    def _candidate(
        self, text: str, start: int, end: int, own: LinkRules | None
    ) -> InviteRef | None:
        if _continues(text, end):
            return None
        found = text[start:end]
        candidate = found.rstrip(_TRAILING_PROSE)
        if own is not None:
            return own.match_text(candidate)
        if candidate.endswith("/") and found[len(candidate) :].startswith("."):
            return None  # "…/abc/.." is a dot segment, not a sentence's full stop
        ref = self.match_url(candidate)
        if ref is None and candidate.endswith("_"):
            # Markdown underline (__link__) closes with underscores that a platform's
            # codes may not allow; try again without them.
            ref = self.match_url(candidate.rstrip("_" + _TRAILING_PROSE))
        return ref


def parse_invite(text: str, *, platform: str | None = None) -> InviteRef:
    """Parse one invite link in any accepted form or, with ``platform``, a bare code.

    Surrounding whitespace and one pair of ``<…>`` are ignored. Uses the link rules of
    every registered platform's official instance.

    Raises:
        InvalidInviteLink: ``text`` is not an invite link (nor, with ``platform``, a valid
            code on that platform), or is a link to a different platform. It is also a
            ``ValueError``.
        UnknownPlatform: ``platform`` is not registered.
    """
    from invitekit.registry import default_scanner

    return default_scanner().parse(text, platform=platform)


def find_invites(text: str) -> list[InviteRef]:
    """Return every invite link in free ``text``, in order of first appearance, each once.

    Links may be wrapped in ``<…>``, markdown ``[text](…)``, parentheses or quotes, and be
    followed by prose punctuation. Look-alike hosts never match.
    """
    from invitekit.registry import default_scanner

    return default_scanner().find(text)
