"""The command line's exit codes, in one place."""

from __future__ import annotations

__all__ = ["EXIT_NOTHING", "EXIT_OK", "EXIT_SOME_FAILED", "EXIT_USAGE"]

EXIT_OK = 0
"""Everything asked for was done."""
EXIT_NOTHING = 1
"""Nothing to do: no invite link in the input, or no such demo."""
EXIT_USAGE = 2
"""The command line was wrong (an unknown option, a malformed ``--api-base``)."""
EXIT_SOME_FAILED = 3
"""At least one link did not resolve; each one's error is in the output."""
