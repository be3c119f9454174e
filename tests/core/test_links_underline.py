"""Markdown underline around a link: ``__https://x.gg/code__``."""

from __future__ import annotations

import string

from invitekit import InviteRef, LinkForm, LinkRules, LinkScanner

NO_UNDERSCORE = LinkRules(
    platform="plain",
    forms=(LinkForm("plain.test"),),
    canonical="https://plain.test/{code}",
    code_chars=string.ascii_letters + string.digits + "-",
)
UNDERSCORE = LinkRules(
    platform="under",
    forms=(LinkForm("under.test"),),
    canonical="https://under.test/{code}",
)
SCANNER = LinkScanner([NO_UNDERSCORE, UNDERSCORE])


def test_underline_is_dropped_when_codes_cannot_contain_underscores() -> None:
    text = "join __https://plain.test/abc__ and __plain.test/def__!"
    assert SCANNER.find(text) == [InviteRef("plain", "abc"), InviteRef("plain", "def")]


def test_codes_that_may_end_in_underscores_keep_them() -> None:
    assert SCANNER.find("see under.test/abc_ now") == [InviteRef("under", "abc_")]


def test_underscores_alone_are_no_code() -> None:
    assert SCANNER.find("__plain.test/___") == []
