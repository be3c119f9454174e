"""``python -m invitekit``: the command line."""

from __future__ import annotations

import sys

from invitekit.cli import main

sys.exit(main())
