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


def _printed(code: str) -> list[str]:
    """The words ``code`` prints in a fresh interpreter; its traceback fails the test."""
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=60
    )
    if result.returncode != 0:
        pytest.fail(f"the probe failed:\n{result.stderr}")
    return result.stdout.split()


def _loaded_after(code: str) -> set[str]:
    return set(_printed(f"import sys\n{code}\nprint(' '.join(sorted(sys.modules)))\n"))


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


@pytest.mark.parametrize(
    ("old", "new", "name"),
    [
        ("invitekit.parsing", "invitekit.links", "find_invites"),
        ("invitekit.emulation", "invitekit.testing.emulation", "FaultQueue"),
        ("invitekit.demo", "invitekit.cli.demo", "DemoPlatform"),
        ("invitekit_discord.emulator", "invitekit_discord.testing", "DiscordEmulator"),
        ("invitekit_stoat.emulator", "invitekit_stoat.testing", "StoatEmulator"),
    ],
)
def test_old_import_paths_warn_and_give_the_same_objects(old: str, new: str, name: str) -> None:
    code = (
        "import warnings, importlib\n"
        f"new = importlib.import_module({new!r})\n"
        "with warnings.catch_warnings(record=True) as caught:\n"
        "    warnings.simplefilter('always')\n"
        f"    old = importlib.import_module({old!r})\n"
        "kinds = {w.category.__name__ for w in caught}\n"
        f"print(sorted(kinds), getattr(old, {name!r}) is getattr(new, {name!r}))\n"
    )
    assert _printed(code) == ["['DeprecationWarning']", "True"]


def test_the_emulators_need_no_pytest() -> None:
    loaded = _loaded_after("import invitekit_discord.testing, invitekit_stoat.testing")
    assert "invitekit_discord.testing" in loaded
    assert "pytest" not in loaded


def test_finding_links_on_the_command_line_imports_no_adapter() -> None:
    loaded = _loaded_after(
        "import contextlib, io\n"
        "from invitekit.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    assert main(['find', 'x https://discord.gg/abc and https://stt.gg/Abc123']) == 0\n"
    )
    assert "invitekit_discord._links" in loaded
    assert (
        not {
            "asyncio",
            "aiohttp",
            "importlib.metadata",
            "invitekit_discord._adapter",
            "invitekit_stoat._adapter",
            # Link rules name their platform themselves: no decoder is built to find links.
            "invitekit_stoat._wire",
            "invitekit_matrix._wire",
            # Nor are the models: finding links starts without msgspec.
            "invitekit.models",
            "msgspec",
        }
        & loaded
    )


def test_the_models_load_when_first_named() -> None:
    bare = _loaded_after("import invitekit")
    assert not {"invitekit.models", "invitekit.adapter", "msgspec"} & bare
    named = _loaded_after("import invitekit\ninvitekit.PublicInvite")
    assert {"invitekit.models", "msgspec"} <= named


def test_the_submodules_are_attributes_of_the_package_as_before() -> None:
    code = (
        "import invitekit\n"
        "print(invitekit.models.InviteServer is invitekit.InviteServer,"
        " invitekit.adapter.Adapter is invitekit.Adapter,"
        " invitekit.decoding.decode_public_invite is invitekit.decode_public_invite)\n"
    )
    assert _printed(code) == ["True", "True", "True"]


def test_a_lazily_exported_name_is_its_module_s_object() -> None:
    import invitekit
    from invitekit import adapter, decoding, models

    for module in (adapter, decoding, models):
        for name in set(module.__all__) & set(invitekit.__all__):
            assert getattr(invitekit, name) is getattr(module, name), name


def test_the_link_rules_entry_points_are_the_adapters_own() -> None:
    code = (
        "import sys\n"
        "from invitekit import get_adapter_class, registry\n"
        "for platform in ('discord', 'fake', 'matrix', 'stoat'):\n"
        "    early = registry.link_rules_for(platform)\n"
        "    assert f'invitekit_{platform}._adapter' not in sys.modules, platform\n"
        "    assert early is get_adapter_class(platform).link_rules, platform\n"
        "print('ok')\n"
    )
    assert _printed(code) == ["ok"]


def test_the_registry_s_type_hints_resolve_without_the_models() -> None:
    code = (
        "import sys, typing\n"
        "from invitekit import registry\n"
        "hints = typing.get_type_hints(registry.restore)\n"
        "print(typing.get_origin(hints['state']).__name__, 'invitekit.models' in sys.modules)\n"
    )
    assert _printed(code) == ["tuple", "False"]
