"""The registry: entry points, runtime registration, helpful failures."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

import pytest

from invitekit import (
    Adapter,
    AdapterImportError,
    InvalidArgument,
    LinkForm,
    LinkRules,
    PrivateInvite,
    PublicInvite,
    UnknownPlatform,
    available_platforms,
    find_invites,
    get_adapter,
    get_adapter_class,
    parse_invite,
    register_adapter,
    unregister_adapter,
)
from invitekit.testing import isolated_registry
from invitekit_fake import FakeAdapter


class EchoAdapter(Adapter):
    """A minimal third-party adapter, as a test would write one."""

    platform: ClassVar[str] = "echo"
    link_rules: ClassVar[LinkRules] = LinkRules(
        platform="echo", forms=(LinkForm("echo.test"),), canonical="https://echo.test/{code}"
    )

    def __init__(self, *, token: str | None = None) -> None:
        self.token = token

    @classmethod
    def decode_public_invite(cls, data: Any) -> PublicInvite:
        raise NotImplementedError

    @classmethod
    def decode_private_invite(cls, data: Any) -> PrivateInvite:
        raise NotImplementedError

    @classmethod
    def decode_private_invites(cls, data: Any) -> list[PrivateInvite]:
        raise NotImplementedError

    async def _fetch_invite(
        self, code: str, *, with_counts: bool, event_id: str | None
    ) -> PublicInvite:
        raise NotImplementedError


NotAnAdapter = object()


class WrongName(EchoAdapter):
    platform: ClassVar[str] = "wrong"


@pytest.fixture(autouse=True)
def _isolated() -> Iterator[None]:
    with isolated_registry():
        yield


def test_the_fake_is_found_through_its_entry_point() -> None:
    assert "fake" in available_platforms()
    assert get_adapter_class("fake") is FakeAdapter
    assert isinstance(get_adapter("fake"), FakeAdapter)


def test_register_a_class_at_run_time() -> None:
    register_adapter(EchoAdapter)
    assert "echo" in available_platforms()
    adapter = get_adapter("echo", token="secret")
    assert isinstance(adapter, EchoAdapter)
    assert adapter.token == "secret"
    assert find_invites("see echo.test/hello") == [parse_invite("hello", platform="echo")]


def test_register_an_import_path_lazily() -> None:
    register_adapter(f"{__name__}:EchoAdapter", platform="echo")
    assert "echo" in available_platforms()
    assert get_adapter_class("echo") is EchoAdapter


def test_a_taken_name_needs_replace() -> None:
    register_adapter(EchoAdapter)
    with pytest.raises(InvalidArgument, match="already registered"):
        register_adapter(EchoAdapter)
    register_adapter(EchoAdapter, replace=True)
    with pytest.raises(InvalidArgument):
        register_adapter(f"{__name__}:EchoAdapter", platform="fake")


@pytest.mark.parametrize(
    ("adapter", "platform"),
    [(f"{__name__}:EchoAdapter", None), (EchoAdapter, "other"), (NotAnAdapter, None)],
)
def test_bad_registrations_are_refused(adapter: Any, platform: str | None) -> None:
    with pytest.raises(InvalidArgument):
        register_adapter(adapter, platform=platform)


def test_unregister() -> None:
    register_adapter(EchoAdapter)
    unregister_adapter("echo")
    assert "echo" not in available_platforms()
    with pytest.raises(UnknownPlatform):
        unregister_adapter("echo")
    unregister_adapter("fake")
    assert find_invites("fake.invitekit.test/abc") == []


def test_unknown_platform_lists_what_is_available() -> None:
    with pytest.raises(UnknownPlatform, match=r"available: .*fake") as caught:
        get_adapter("telegraph")
    assert caught.value.platform == "telegraph"
    assert isinstance(caught.value, LookupError)


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("no_such_module_anywhere:Adapter", "failed to import: ModuleNotFoundError"),
        (f"{__name__}:Missing", "failed to import: AttributeError"),
        (f"{__name__}:NotAnAdapter", "not an invitekit Adapter subclass"),
        (f"{__name__}:WrongName", "declares platform 'wrong'"),
    ],
)
def test_broken_adapters_raise_adapter_import_error(target: str, message: str) -> None:
    register_adapter(target, platform="broken")
    with pytest.raises(AdapterImportError, match=message) as caught:
        get_adapter("broken")
    assert isinstance(caught.value, ImportError)
    assert caught.value.platform == "broken"


def test_a_broken_adapter_does_not_stop_scanning_for_the_others() -> None:
    register_adapter("no_such_module_anywhere:Adapter", platform="broken")
    with pytest.warns(RuntimeWarning, match="broken"):
        refs = find_invites("fake.invitekit.test/abc")
    assert [ref.code for ref in refs] == ["abc"]


def test_unknown_constructor_options_are_an_invalid_argument() -> None:
    with pytest.raises(InvalidArgument, match="cannot build the fake adapter"):
        get_adapter("fake", tokn="typo")
