"""Link rules with forms of their own: a code in the fragment, a URI scheme, a sigil in text.

The rules below belong to a made-up platform, *tilde*: ``https://tilde.example/#/CODE``
(the code in the fragment), ``tilde:CODE`` and ``~CODE`` in chat text. They use only the
public hooks a third-party adapter has (``match_link``, ``match_text``, ``find_in_text``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import pytest

from invitekit import InviteRef
from invitekit.links import LinkForm, LinkRules, LinkScanner

_CODE = r"[a-z0-9]{3,12}"
_WHOLE = re.compile(rf"(?:tilde:|~)({_CODE})")
_IN_TEXT = re.compile(rf"(?<![^\s(/])(?:tilde:|~){_CODE}")


@dataclass(frozen=True)
class TildeRules(LinkRules):
    def match_link(self, form: LinkForm, rest: str) -> InviteRef | None:
        _, _, fragment = rest.partition("#")
        code = fragment.removeprefix("/")
        if not rest.startswith("/#/") or not self.is_code(code):
            return None
        return InviteRef(self.platform, code)

    def match_text(self, text: str) -> InviteRef | None:
        match = _WHOLE.fullmatch(text)
        return None if match is None else InviteRef(self.platform, match.group(1))

    def find_in_text(self, text: str) -> Iterable[tuple[int, int]]:
        if "~" not in text and "tilde:" not in text:
            return ()
        return [match.span() for match in _IN_TEXT.finditer(text)]


TILDE = TildeRules(
    platform="tilde",
    forms=(LinkForm("tilde.example"),),
    canonical="https://tilde.example/#/{code}",
    code_chars="abcdefghijklmnopqrstuvwxyz0123456789",
    min_length=3,
    max_length=12,
)
SLASHY = LinkRules(platform="slashy", forms=(LinkForm("slashy.example"),), canonical="")


def _ref(code: str, platform: str = "tilde") -> InviteRef:
    return InviteRef(platform, code)


@pytest.fixture
def scanner() -> LinkScanner:
    return LinkScanner([TILDE, SLASHY])


@pytest.mark.parametrize(
    "link",
    ["https://tilde.example/#/abc123", "tilde.example/#/abc123", "tilde:abc123", "~abc123"],
)
def test_every_own_form_parses(scanner: LinkScanner, link: str) -> None:
    assert scanner.parse(link) == _ref("abc123")
    assert scanner.parse(f"<{link}>") == _ref("abc123")


@pytest.mark.parametrize(
    "text", ["https://tilde.example/abc123", "https://tilde.example/#/AB", "~ab", "x~abc123"]
)
def test_what_the_rules_refuse_is_no_link(scanner: LinkScanner, text: str) -> None:
    assert scanner.match_url(text) is None


def test_found_in_order_with_host_links_each_once(scanner: LinkScanner) -> None:
    text = (
        "try ~first1, then https://slashy.example/mid (or tilde:last22). "
        "https://tilde.example/#/frag99 and ~first1 again"
    )
    assert scanner.find(text) == [
        _ref("first1"),
        _ref("mid", "slashy"),
        _ref("last22"),
        _ref("frag99"),
    ]


def test_an_own_form_inside_a_host_link_is_not_a_link(scanner: LinkScanner) -> None:
    # "~abc123" after "/" is a candidate of tilde's, but it lies in slashy's URL.
    assert scanner.find("https://slashy.example/x/~abc123") == []
    assert scanner.find("https://slashy.example/x (~abc123)") == [
        _ref("x", "slashy"),
        _ref("abc123"),
    ]


def test_prose_after_an_own_form_is_dropped_and_a_letter_refuses_it(
    scanner: LinkScanner,
) -> None:
    assert scanner.find("join ~abc123! now") == [_ref("abc123")]
    assert scanner.find("join ~abc123é now") == []


def test_text_without_any_form_finds_nothing(scanner: LinkScanner) -> None:
    assert scanner.find("no links here, just words") == []
    assert LinkScanner([SLASHY]).find("~abc123 is not slashy's") == []


@dataclass(frozen=True)
class CountingRules(TildeRules):
    asked: list[str] = field(default_factory=list, compare=False)

    def find_in_text(self, text: str) -> Iterable[tuple[int, int]]:
        self.asked.append(text)
        return super().find_in_text(text)


def _counting(markers: str) -> CountingRules:
    return CountingRules(
        platform="tilde",
        forms=(),
        canonical="tilde:{code}",
        code_chars=TILDE.code_chars,
        min_length=3,
        text_markers=markers,
    )


def test_text_markers_spare_the_rules_text_without_them() -> None:
    marked, unmarked = _counting("~:"), _counting("")
    assert LinkScanner([marked]).find("plain words, ~abc123") == [_ref("abc123")]
    assert LinkScanner([marked]).find("plain words only") == []
    assert marked.asked == ["plain words, ~abc123"]
    LinkScanner([unmarked]).find("plain words only")
    assert unmarked.asked == ["plain words only"]  # no markers: every text is asked about
