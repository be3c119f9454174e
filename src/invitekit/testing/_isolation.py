"""Run code against a registry that is put back as it was afterwards."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from invitekit import registry


@contextmanager
def isolated_registry() -> Iterator[None]:
    """Let the body register and unregister adapters; restore the registry on exit."""
    state = registry.snapshot()
    try:
        yield
    finally:
        registry.restore(state)
