"""Deprecated: the emulator lives in ``invitekit_stoat.testing``; this path goes in the
next release."""

from __future__ import annotations

import warnings

from invitekit_stoat.testing import *  # noqa: F403 - the old path re-exports the new one
from invitekit_stoat.testing import __all__ as __all__

warnings.warn(
    "invitekit_stoat.emulator is deprecated; import from invitekit_stoat.testing",
    DeprecationWarning,
    stacklevel=2,
)
