"""pytest plugin (entry point ``pytest11``): the ``fake_clock`` and ``fake_invites`` fixtures."""

from __future__ import annotations

import pytest

from invitekit_fake import FakeAdapter, FakeClock, FakeWorld


@pytest.fixture
def fake_clock() -> FakeClock:
    """A ``FakeClock`` at 2026-01-01 UTC; ``fake_invites`` runs on it."""
    return FakeClock()


@pytest.fixture
def fake_invites(fake_clock: FakeClock) -> FakeAdapter:
    """A fresh, anonymous ``FakeAdapter`` on its own ``FakeWorld``, timed by ``fake_clock``.

    Set the scene through ``fake_invites.world``, act as a user with
    ``fake_invites.as_user(user)``, and move time with ``fake_clock.advance(...)``.
    """
    return FakeAdapter(FakeWorld(clock=fake_clock))
