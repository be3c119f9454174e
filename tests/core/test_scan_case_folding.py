"""Regression: scanning must keep every ASCII letter of a code, whatever its case."""

from __future__ import annotations

import string

from invitekit import InviteRef, LinkForm, LinkRules, LinkScanner

RULES = LinkRules(
    platform="fake",
    forms=(LinkForm("fake.invitekit.test"),),
    canonical="https://fake.invitekit.test/{code}",
)


def test_find_keeps_letters_that_fold_with_non_ascii() -> None:
    # "s", "i" and "k" case-fold with U+017F, U+0131 and the Kelvin sign; a case-insensitive
    # scan that excludes non-ASCII characters used to cut codes at them.
    scanner = LinkScanner([RULES])
    for code in ("Testers", "kiss", "SIK", string.ascii_letters):
        assert scanner.find(f"see HTTPS://Fake.Invitekit.Test/{code} now") == [
            InviteRef("fake", code)
        ]
