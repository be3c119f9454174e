"""Deprecated: the emulators' shared parts live in ``invitekit.testing.emulation``; this
path goes in the next release."""

from __future__ import annotations

import warnings

from invitekit.testing.emulation import *  # noqa: F403 - the old path re-exports the new one
from invitekit.testing.emulation import __all__ as __all__

warnings.warn(
    "invitekit.emulation is deprecated; import from invitekit.testing.emulation",
    DeprecationWarning,
    stacklevel=2,
)
