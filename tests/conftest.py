"""Suite-wide settings: Hypothesis profiles without deadlines (machines are noisy), and
one known bug of old pytest-asyncio tolerated where the lowest-versions run needs it."""

from __future__ import annotations

import os
from importlib.metadata import version

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("default", deadline=None)
settings.register_profile(
    "ci",
    deadline=None,
    derandomize=True,
    max_examples=300,
    suppress_health_check=[HealthCheck.too_slow],
)
# A long fuzzing run, by hand: pytest --hypothesis-profile=thorough tests/reliability
settings.register_profile(
    "thorough",
    deadline=None,
    max_examples=5_000,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile("ci" if os.environ.get("CI") else "default")


# pytest-asyncio before 1.4 saves "the current loop" with asyncio.get_event_loop(), which
# on Python before 3.12 creates a loop when none is set, and never closes it; a later
# asyncio.run() unsets it and the collector reports its sockets
# (pytest-dev/pytest-asyncio#724, fixed in 1.4). 1.4 needs a typing-extensions newer
# than invitekit's floor, so the lowest-versions run keeps the old one and ignores only
# what that loop leaves behind. Every other run stays strict.
_OLD_PYTEST_ASYNCIO_LEAKS = [
    r"ignore:Exception ignored in. <socket\.socket fd=\d+, family=AddressFamily\.AF_UNIX"
    r":pytest.PytestUnraisableExceptionWarning",
    r"ignore:Exception ignored in. <function BaseEventLoop\.__del__"
    r":pytest.PytestUnraisableExceptionWarning",
    r"ignore:unclosed event loop:ResourceWarning",
]


def _release(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split(".")[:2] if part.isdigit())


def pytest_configure(config: pytest.Config) -> None:
    if _release(version("pytest-asyncio")) < (1, 4):
        for line in _OLD_PYTEST_ASYNCIO_LEAKS:
            config.addinivalue_line("filterwarnings", line)
