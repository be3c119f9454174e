"""Test support for adapter authors and users: the conformance suite and registry isolation.

Needs ``pytest`` and ``pytest-asyncio`` (``pip install invitekit[testing]``); importing
``invitekit`` itself never imports this package.
"""

from __future__ import annotations

from invitekit.testing._isolation import isolated_registry
from invitekit.testing.conformance import AdapterConformance, Scenario

__all__ = ["AdapterConformance", "Scenario", "isolated_registry"]
