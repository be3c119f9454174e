"""``import invitekit`` stays light: a program that only finds links or decodes payloads
loads neither an HTTP library, nor asyncio, nor the entry-point machinery."""

from __future__ import annotations

import subprocess
import sys

import pytest

HEAVY = (
    "aiohttp",
    "asyncio",
    "ssl",
    "importlib.metadata",
    "invitekit_fake",
    "invitekit.client",
    "invitekit.testing",
    "pytest",
)


def _loaded_after(code: str) -> set[str]:
    probe = f"import sys\n{code}\nprint(' '.join(sorted(sys.modules)))\n"
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    return set(result.stdout.split())


@pytest.mark.parametrize(
    "code",
    [
        "import invitekit",
        "from invitekit import InviteRef, LinkRules, decode_public_invite, errors, models",
    ],
)
def test_importing_loads_nothing_heavy(code: str) -> None:
    loaded = _loaded_after(code)
    assert loaded, "the probe printed no modules"
    assert sorted(loaded.intersection(HEAVY)) == []


def test_the_client_and_the_tracker_load_when_first_named() -> None:
    loaded = _loaded_after("import invitekit\ninvitekit.InviteClient\ninvitekit.InviteTracker")
    assert {"asyncio", "invitekit.client", "invitekit.tracking"} <= loaded


def test_every_name_in_all_is_importable() -> None:
    import invitekit

    for name in invitekit.__all__:
        assert hasattr(invitekit, name), name
    assert len(set(invitekit.__all__)) == len(invitekit.__all__)
    assert set(invitekit.__all__) <= set(dir(invitekit))


def test_an_unknown_name_is_an_attribute_error() -> None:
    import invitekit

    with pytest.raises(AttributeError, match="no_such_name"):
        invitekit.no_such_name  # noqa: B018


def test_the_old_parsing_module_warns_and_works() -> None:
    code = (
        "import warnings\n"
        "with warnings.catch_warnings(record=True) as caught:\n"
        "    warnings.simplefilter('always')\n"
        "    from invitekit.parsing import find_invites\n"
        "print(caught[0].category.__name__, find_invites('x https://discord.gg/abc')[0].code)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.split() == ["DeprecationWarning", "abc"]
