"""Deprecated: the emulator lives in ``invitekit_discord.testing``; this path goes in the
next release."""

from __future__ import annotations

import warnings

from invitekit_discord.testing import *  # noqa: F403 - the old path re-exports the new one
from invitekit_discord.testing import __all__ as __all__

warnings.warn(
    "invitekit_discord.emulator is deprecated; import from invitekit_discord.testing",
    DeprecationWarning,
    stacklevel=2,
)
