"""Fixtures for the reliability suite: a manual clock shared by emulator and adapter."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from invitekit import register_adapter
from invitekit.testing import isolated_registry
from invitekit_discord import DiscordAdapter
from invitekit_fake import FakeAdapter
from invitekit_stoat import StoatAdapter
from tests.http._support import ManualTime

EPOCH_2026 = 1_772_323_200.0  # 2026-03-01T00:00:00Z


@pytest.fixture(autouse=True)
def adapters_registered() -> Iterator[None]:
    """Make every built-in platform resolvable whatever the installed metadata says."""
    with isolated_registry():
        for adapter in (DiscordAdapter, StoatAdapter, FakeAdapter):
            register_adapter(adapter, replace=True)
        yield


@pytest.fixture
def clock() -> ManualTime:
    """Seconds that move only when a client sleeps: backoffs and rate-limit waits."""
    return ManualTime(start=EPOCH_2026)
