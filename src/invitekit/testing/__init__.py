"""Test support: the conformance suite, registry isolation, and the parts the emulators
share (``invitekit.testing.emulation``).

The conformance suite needs ``pytest`` and ``pytest-asyncio`` (``pip install
invitekit[testing]``) and is imported when first named, so the emulators (which the demos
run without pytest) can live here too. Importing ``invitekit`` never imports this
package.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from invitekit._lazy import lazy_exports
from invitekit.testing._isolation import isolated_registry

if TYPE_CHECKING:
    from invitekit.testing.conformance import AdapterConformance, Scenario

__all__ = ["AdapterConformance", "Scenario", "isolated_registry"]


__getattr__, __dir__ = lazy_exports(
    __name__, dict.fromkeys(("AdapterConformance", "Scenario"), "invitekit.testing.conformance")
)
