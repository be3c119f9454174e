"""The fake platform's invite links."""

from __future__ import annotations

from invitekit import LinkForm, LinkRules

__all__ = ["FAKE_LINK_RULES"]

FAKE_LINK_RULES = LinkRules(
    platform="fake",
    forms=(LinkForm("fake.invitekit.test"),),
    canonical="https://fake.invitekit.test/{code}",
)
"""``https://fake.invitekit.test/CODE``."""
