"""Deprecated: the demos live in ``invitekit.cli.demo``; this path goes in the next
release."""

from __future__ import annotations

import warnings

from invitekit.cli.demo import *  # noqa: F403 - the old path re-exports the new one
from invitekit.cli.demo import __all__ as __all__

warnings.warn(
    "invitekit.demo is deprecated; import from invitekit.cli.demo",
    DeprecationWarning,
    stacklevel=2,
)
