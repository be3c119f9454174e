"""Links under fire: arbitrary and adversarial text through the registered platforms' rules.

``parse_invite`` raises nothing but ``InvalidInviteLink``; ``find_invites`` returns only
links that parse back to themselves, never one glued onto other text; and scanning stays
linear. Linearity is shown by counting work, not by timing it: the Python-level steps
(``sys.settrace`` events) grow in proportion to the input, and the one regular
expression has no nested unbounded quantifier, the shape that backtracks.
"""

from __future__ import annotations

import importlib
import string
import sys
from collections.abc import Callable, Iterator
from types import FrameType
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from invitekit import InvalidInviteLink, InviteRef, find_invites, parse_invite
from invitekit.links import LinkRules
from invitekit.registry import default_scanner

RULES = default_scanner().rules
LINK_BASES = sorted(f"{form.host}{form.prefix}" for r in RULES.values() for form in r.forms)
# Platforms whose codes are runs of their alphabet in a path; Matrix's rooms are not
# (tests/matrix/test_links.py holds these properties for its links).
PLAIN = sorted(p for p, rules in RULES.items() if type(rules).is_code is LinkRules.is_code)


@st.composite
def links(draw: st.DrawFn) -> tuple[str, InviteRef]:
    """A valid link in one of its accepted shapes, and the ref it stands for."""
    platform = draw(st.sampled_from(PLAIN))
    rules = RULES[platform]
    form = draw(st.sampled_from(rules.forms))
    alphabet = "".join(sorted(set(rules.code_chars) - {"_"}))
    code = draw(
        st.text(alphabet, min_size=max(rules.min_length, 2), max_size=12).filter(rules.is_code)
    )
    scheme = draw(st.sampled_from(["", "http://", "https://", "HTTPS://"]))
    host = draw(st.sampled_from([form.host, form.host.upper()]))
    trailer = draw(st.sampled_from(["", "/"]))
    return f"{scheme}{host}{form.prefix}{code}{trailer}", InviteRef(platform, code)


FRAGMENTS = st.sampled_from(
    [
        *LINK_BASES,
        "https://",
        "http://",
        "//",
        "/",
        "@",
        ":",
        ".",
        "..",
        "%2F",
        "?event=1",
        "#",
        "evil.com/",
        "discord.gg.evil.com/",
        "xn--dscord-7fg.gg/",
        "\u200b",
        "\u202e",
        "\\",
        "é",
        " ",
        "\n",
        "<",
        ">",
        "(",
        ")",
        "[x](",
        "__",
        "**",
        "abc",
        "ABC-123",
        "a" * 70,
    ]
)
ADVERSARIAL = st.lists(FRAGMENTS | st.text(max_size=5), max_size=30).map("".join)


def check_found(text: str) -> list[InviteRef]:
    refs = find_invites(text)
    assert len(refs) == len(set(refs))
    for ref in refs:
        assert RULES[ref.platform].is_code(ref.code)
        assert parse_invite(ref.url) == ref
    return refs


@given(st.text(max_size=400) | ADVERSARIAL)
def test_parse_raises_only_invalid_invite_link(text: str) -> None:
    for platform in (None, *RULES):
        refused: InvalidInviteLink | None = None
        try:
            ref = parse_invite(text, platform=platform)
        except InvalidInviteLink as error:
            refused = error
        if refused is not None:
            assert refused.platform == platform
            continue
        assert RULES[ref.platform].is_code(ref.code)
        assert parse_invite(ref.url) == ref


@given(st.text(max_size=400) | ADVERSARIAL)
def test_found_links_parse_back_to_themselves(text: str) -> None:
    check_found(text)


@given(links(), ADVERSARIAL, ADVERSARIAL)
def test_a_link_between_spaces_is_found_whatever_surrounds_it(
    link: tuple[str, InviteRef], before: str, after: str
) -> None:
    text, ref = link
    assert ref in check_found(f"{before} {text} {after}")


@given(links(), st.sampled_from(["<{}>", "({})", "[here]({})", "**{}**", '"{}"', "{}.", "{}!"]))
def test_a_link_wrapped_as_prose_wraps_links_is_found(
    link: tuple[str, InviteRef], wrapper: str
) -> None:
    text, ref = link
    if wrapper.startswith("{}.") and text.endswith("/"):
        text = text[:-1]  # "/abc/." reads as a dot segment, and is refused as one
    assert ref in check_found("see " + wrapper.format(text) + " now")


GLUE = st.sampled_from([*string.ascii_letters, *string.digits, *"./@:%=&?#-é\u200b"])


@given(links(), GLUE, st.sampled_from(["", "https://evil.example/", "evil.example/", "x"]))
def test_a_link_glued_onto_other_text_is_not_found(
    link: tuple[str, InviteRef], glue: str, prefix: str
) -> None:
    text, ref = link
    assert ref not in check_found(f"{prefix}{glue}{text}")


@given(links(), st.sampled_from(["é", "ß", "\u200b", "\u2060", "\u0661"]))
def test_a_code_running_on_into_other_letters_is_not_cut_short(
    link: tuple[str, InviteRef], follower: str
) -> None:
    text, ref = link
    if text.endswith("/"):
        text = text[:-1]
    assert ref not in check_found(f"{text}{follower}")


# -- linear scanning, by counting work -----------------------------------------------------


def steps(work: Callable[[], object]) -> int:
    """The Python-level events (calls, lines, returns) ``work`` takes."""
    count = 0

    def tracer(frame: FrameType, event: str, arg: Any) -> Callable[..., Any]:
        nonlocal count
        count += 1
        return tracer

    previous = sys.gettrace()
    sys.settrace(tracer)
    try:
        work()
    finally:
        sys.settrace(previous)
    return count


def scanning(text: str) -> Callable[[], object]:
    return lambda: find_invites(text)


def parsing(text: str) -> Callable[[], object]:
    def parse() -> object:
        try:
            return parse_invite(text)
        except InvalidInviteLink:
            return None

    return parse


HOSTILE: dict[str, Callable[[int], Callable[[], object]]] = {
    "one link many times": lambda n: scanning("discord.gg/abc " * n),
    "many different links": lambda n: scanning("".join(f"stt.gg/c{i} " for i in range(n))),
    "hosts without codes": lambda n: scanning("discord.gg/" * n),
    "schemes only": lambda n: scanning("https://" * n),
    "opening brackets": lambda n: scanning("(" * n + "discord.gg/abc"),
    "one endless code": lambda n: scanning("https://discord.gg/" + "a" * n),
    "endless query": lambda n: scanning("discord.gg/abc?" + "event=1&" * n),
    "markdown underlines": lambda n: scanning("__discord.gg/abc__ " * n),
    "zero-width splits": lambda n: scanning("discord.gg/ab\u200bc " * n),
    "prose punctuation": lambda n: scanning("discord.gg/abc" + "." * n),
    "look-alike hosts": lambda n: scanning("https://dіscord.gg/abc " * n),  # noqa: RUF001
    "parse an endless code": lambda n: parsing("https://discord.gg/" + "a" * n),
    "parse a long path": lambda n: parsing("https://discord.gg/" + "a/" * n),
    "parse noise": lambda n: parsing("x" * n),
    "hashtags": lambda n: scanning("#tag: " * n),
    "one endless alias": lambda n: scanning("#" + "a" * n + ":example.org"),
    "sigils only": lambda n: scanning("#" * n + ":example.org"),
    "aliases without servers": lambda n: scanning("#room:" * n),
    "matrix schemes only": lambda n: scanning("matrix:" * n),
    "one endless matrix uri": lambda n: scanning("matrix:r/" + "a" * n + ":example.org"),
    "matrix.to with endless via": lambda n: scanning(
        "https://matrix.to/#/!abc:example.org?" + "via=example.org&" * n
    ),
    "parse an endless alias": lambda n: parsing("#" + "a" * n + ":example.org"),
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_scanning_work_grows_linearly_with_the_input(name: str) -> None:
    small, large = (steps(HOSTILE[name](n)) for n in (2_000, 8_000))
    # Four times the input may cost at most a little over four times the steps
    # (fixed costs make it less); quadratic work would cost sixteen times.
    assert large <= 4.5 * small, (small, large)


def _repeats(tree: Any, sre: Any, nested_in: int = 0) -> Iterator[tuple[int, int]]:
    """(max, unbounded repeats enclosing it) for every repeat in a parsed pattern."""
    repeat_ops = {sre.MAX_REPEAT, sre.MIN_REPEAT}
    repeat_ops |= {getattr(sre, "POSSESSIVE_REPEAT", sre.MAX_REPEAT)}
    for op, value in tree:
        if op in repeat_ops:
            _low, high, inner = value
            yield high, nested_in
            unbounded = high == sre.MAXREPEAT
            yield from _repeats(inner, sre, nested_in + unbounded)
        elif op in (sre.SUBPATTERN, sre.ATOMIC_GROUP if hasattr(sre, "ATOMIC_GROUP") else None):
            yield from _repeats(value[-1], sre, nested_in)
        elif op in (sre.ASSERT, sre.ASSERT_NOT):
            yield from _repeats(value[1], sre, nested_in)
        elif op is sre.BRANCH:
            for alternative in value[1]:
                yield from _repeats(alternative, sre, nested_in)


def test_the_scanner_pattern_has_no_nested_unbounded_quantifier() -> None:
    parser = importlib.import_module("re._parser" if sys.version_info >= (3, 11) else "sre_parse")
    constants = importlib.import_module(
        "re._constants" if sys.version_info >= (3, 11) else "sre_constants"
    )
    pattern = default_scanner()._candidates.pattern
    repeats = list(_repeats(parser.parse(pattern), constants))
    unbounded = [(high, depth) for high, depth in repeats if high == constants.MAXREPEAT]
    assert unbounded, "the scanner's tail is an unbounded character class"
    assert all(depth == 0 for _, depth in unbounded)
