"""A sentinel token never shows: not in a repr or str, an exception (with its chained
causes and traceback), a log record at DEBUG from any logger, or the command line's output.

Every path that touches the token is driven: construction (valid and malformed tokens),
successful calls, every fault of the matrix, 401s, a server echoing the token back,
unreachable hosts, aiohttp refusing a header, closing — for Discord and Stoat alike.
"""

from __future__ import annotations

import asyncio
import logging
import pickle
import subprocess
import sys
import traceback
from collections.abc import Iterator
from typing import Any

import pytest

from invitekit import InvalidArgument, InviteClient, InviteError, get_adapter
from invitekit.cli import main
from invitekit.http import Credential, HTTPTransport, Route, Secret
from invitekit.testing.emulation import Fault
from invitekit_discord import DiscordAdapter
from invitekit_discord.testing import DiscordEmulator
from invitekit_stoat import StoatAdapter
from invitekit_stoat.testing import StoatEmulator
from tests.http._support import ManualTime
from tests.reliability._pages import BAD_GATEWAY_PAGE
from tests.reliability._threaded import served_in_thread

SENTINEL = "SeNtInEl-4c1f9e7d2b-TOKEN"
FRAGMENT = "4c1f9e7d2b"
"""Part of the sentinel: a partial leak (a truncated or half-masked token) shows too."""

FAULTS = [
    Fault.respond(500, b'{"message": "boom", "code": 0}'),
    Fault.respond(502, BAD_GATEWAY_PAGE),
    Fault.respond(401, b'{"message": "401: Unauthorized", "code": 0}'),
    Fault.respond(400, f'{{"message": "bad token {SENTINEL}", "code": 50035}}'.encode()),
    Fault.respond(403, f'{{"type": "NotAuthenticated", "token": "{SENTINEL}"}}'.encode()),
    Fault.respond(429, f'{{"message": "slow down, {SENTINEL}", "retry_after": 99999}}'.encode()),
    Fault.respond(200, f"<html>{SENTINEL}</html>"),
    Fault.reset(),
    Fault.reset_during_body(),
    Fault.slow_body(30.0),
    Fault.stall(30.0),
    Fault.truncated(),
    Fault.empty(),
]
"""What the server may do, including echoing the token back (a buggy proxy would)."""


TIME = ManualTime()
FAST = {"timeout": 0.1, "max_retries": 1, "max_wait": 1, "clock": TIME, "sleep": TIME.sleep}
"""Short timeouts, and backoffs that take no real time."""


def leaked(text: str) -> bool:
    return SENTINEL in text or FRAGMENT in text


def exception_text(error: BaseException) -> str:
    """Everything an exception shows: str, repr, args and the whole chained traceback."""
    parts = [str(error), repr(error), repr(error.args)]
    parts += traceback.format_exception(type(error), error, error.__traceback__)
    cause = error.__cause__ or error.__context__
    while cause is not None:
        parts += [str(cause), repr(cause), repr(cause.args)]
        cause = cause.__cause__ or cause.__context__
    return "\n".join(parts)


class Everything(logging.Handler):
    """Formats every record, traceback included, as a handler writing a log file would."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s %(args)s"))
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def logs() -> Iterator[Everything]:
    handler = Everything()
    root = logging.getLogger()
    previous = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(previous)
    assert handler.lines, "nothing was logged: the capture is not working"
    assert not [line for line in handler.lines if leaked(line)]


def discord_world() -> DiscordEmulator:
    emulator = DiscordEmulator()
    guild = emulator.add_guild("Secrets")
    channel = emulator.add_channel(guild, "general")
    emulator.add_bot(SENTINEL, permissions={guild: {"CREATE_INSTANT_INVITE", "MANAGE_CHANNELS"}})
    emulator.add_invite(channel, code="secret", max_age=0)
    return emulator


def stoat_world() -> tuple[StoatEmulator, str, str]:
    emulator = StoatEmulator(rate_limits=None)  # a fault per call would fill its windows
    owner = emulator.add_user("owner")
    bot = emulator.add_user("bot", bot=True, owner=owner)
    bot.token = SENTINEL
    server = emulator.add_server("Secrets", owner=owner, members=[bot])
    code = emulator.add_invite(server.channel("general"), creator=owner).code
    return emulator, code, server.id


def shown(*objects: object) -> str:
    """The repr and str of each object and of each of its attributes, one level down."""
    parts: list[str] = []
    for obj in objects:
        parts += [repr(obj), str(obj)]
        names = list(getattr(obj, "__dict__", {})) + list(getattr(obj, "__slots__", ()))
        for name in names:
            value = getattr(obj, name, None)
            if not isinstance(value, (str, Secret)):
                parts += [repr(value), str(value)]
    return "\n".join(parts)


def test_constructed_objects_show_no_token() -> None:
    discord = DiscordAdapter(SENTINEL)
    prefixed = DiscordAdapter(f"Bot {SENTINEL}")
    stoat = StoatAdapter(token=SENTINEL)
    by_name = get_adapter("discord", token=SENTINEL)
    client = InviteClient(
        "discord", "stoat", options={n: {"token": SENTINEL} for n in ("discord", "stoat")}
    )
    credential = Credential("Authorization", Secret(SENTINEL), scheme="Bot")
    text = shown(
        discord,
        prefixed,
        stoat,
        by_name,
        client,
        discord.transport,
        stoat.transport,
        credential,
        credential.secret,
        client.stats,
    )
    assert not leaked(text)
    assert credential.header_value() == f"Bot {SENTINEL}"  # the one way in


@pytest.mark.parametrize(
    "token",
    [f"{SENTINEL}\n", f"{SENTINEL}\r\nX-Evil: 1", f"\x00{SENTINEL}", f"Bot {SENTINEL}\t\x7f"],
)
def test_malformed_tokens_are_refused_without_echoing_them(token: str) -> None:
    for build in (
        lambda: DiscordAdapter(token),
        lambda: StoatAdapter(token=token),
        lambda: get_adapter("stoat", token=token),
        lambda: InviteClient("discord", options={"discord": {"token": token}}),
    ):
        with pytest.raises(InvalidArgument) as caught:
            build()
        assert not leaked(exception_text(caught.value))


def test_secrets_cannot_be_pickled() -> None:
    with pytest.raises(TypeError) as caught:
        pickle.dumps(Secret(SENTINEL))
    assert not leaked(exception_text(caught.value))
    with pytest.raises(TypeError):
        pickle.dumps(DiscordAdapter(SENTINEL))


async def drive(adapter: DiscordAdapter | StoatAdapter, inject: Any, calls: list[Any]) -> str:
    """Run every call once per fault; return all that the caller saw, errors included."""
    seen: list[str] = []
    for fault in FAULTS:
        for call in calls:
            inject(fault)
            try:
                result = await asyncio.wait_for(call(), 10.0)
            except InviteError as error:
                seen.append(exception_text(error))
            else:
                seen.append(shown(result))
    return "\n".join(seen)


async def test_discord_calls_and_faults_show_no_token(logs: Everything) -> None:
    emulator = discord_world()
    async with emulator.serve() as api_base:
        adapter = DiscordAdapter(
            SENTINEL,
            api_base=api_base,
            lookup_limit=None,
            **FAST,  # type: ignore[arg-type]
        )
        async with adapter:
            (channel_id,) = emulator.world.channels
            calls = [
                lambda: adapter.fetch_invite("secret"),
                lambda: adapter.list_invites(channel_id=channel_id),
                lambda: adapter.create_invite(channel_id, max_age=60, reason="audit"),
                lambda: adapter.delete("nothere", reason="audit"),
            ]
            seen = await drive(adapter, emulator.faults.add, calls)
            seen += shown(adapter, adapter.transport)
    assert not leaked(seen)
    assert any(
        request.headers.get("authorization") == f"Bot {SENTINEL}" for request in emulator.requests
    )


async def test_stoat_calls_and_faults_show_no_token(logs: Everything) -> None:
    emulator, code, server_id = stoat_world()
    async with emulator.serve() as api_base:
        adapter = StoatAdapter(token=SENTINEL, api_base=api_base, **FAST)  # type: ignore[arg-type]
        async with adapter:
            calls = [
                lambda: adapter.fetch_invite(code),
                lambda: adapter.list_invites(server_id=server_id),
                lambda: adapter.delete("nothere1", reason="audit"),
            ]
            seen = await drive(adapter, emulator.faults.add, calls)
            seen += shown(adapter, adapter.transport)
    assert not leaked(seen)
    assert any(request.auth == "bot" and request.user_id for request in emulator.requests)


async def test_unknown_tokens_unreachable_hosts_and_refused_headers_show_no_token(
    logs: Everything,
) -> None:
    emulator = DiscordEmulator()  # knows no bot: every authenticated call is a 401
    emulator.add_invite(emulator.add_channel(emulator.add_guild("G"), "c"), code="known")
    seen: list[str] = []
    async with emulator.serve() as api_base:
        adapter = DiscordAdapter(SENTINEL, api_base=api_base, lookup_limit=None)
        async with adapter:
            for call in (lambda: adapter.fetch_invite("known"), lambda: adapter.delete("known")):
                with pytest.raises(InviteError) as caught:
                    await call()
                seen.append(exception_text(caught.value))
        credential = Credential("X-Token", Secret(SENTINEL))
        async with HTTPTransport(api_base, credential=credential) as transport:
            with pytest.raises(InvalidArgument) as refused:
                await transport.request(Route("GET", "/x"), headers={"X-Bad": "a\x00b"})
            seen.append(exception_text(refused.value))
    async with DiscordAdapter(SENTINEL, api_base=api_base, max_retries=0) as gone:
        with pytest.raises(InviteError) as caught:
            await gone.fetch_invite("known")  # the emulator has stopped: nothing listens
        seen.append(exception_text(caught.value))
    assert not leaked("\n".join(seen))


# -- the command line ------------------------------------------------------------------


@pytest.fixture
def bases() -> Iterator[dict[str, str]]:
    discord = discord_world()
    discord.faults.every(2, [Fault.respond(500, f"token {SENTINEL}"), Fault.reset()])
    stoat, code, _ = stoat_world()
    with served_in_thread(discord.serve()) as d, served_in_thread(stoat.serve()) as s:
        yield {"discord": d, "stoat": s, "stoat_code": code}


def cli_arguments(bases: dict[str, str], *extra: str) -> list[str]:
    return [
        "resolve",
        *extra,
        "--api-base",
        f"discord={bases['discord']}",
        "--api-base",
        f"stoat={bases['stoat']}",
        "discord.gg/secret discord.gg/missing",
        f"stt.gg/{bases['stoat_code']} stt.gg/NotThere1",
    ]


@pytest.mark.parametrize("extra", [(), ("--json",)])
def test_cli_output_shows_no_token(
    bases: dict[str, str],
    extra: tuple[str, ...],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    logs: Everything,
) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", SENTINEL)
    monkeypatch.setenv("STOAT_TOKEN", SENTINEL)
    code = main(cli_arguments(bases, *extra))
    out, err = capsys.readouterr()
    assert code in (0, 3)
    assert "secret" in out
    assert not leaked(out + err)


@pytest.mark.parametrize(
    "token", [f"{SENTINEL}\n", f"Bot {SENTINEL}\x1b"], ids=["newline", "escape"]
)
def test_cli_reports_a_malformed_token_without_it(
    bases: dict[str, str],
    token: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", token)
    monkeypatch.setenv("STOAT_TOKEN", token)
    main(cli_arguments(bases))
    out, err = capsys.readouterr()
    assert "skipping discord" in err
    assert not leaked(out + err)


def test_cli_in_a_real_process_shows_no_token(bases: dict[str, str]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "invitekit", *cli_arguments(bases, "--json")],
        env={
            "DISCORD_TOKEN": SENTINEL,
            "STOAT_TOKEN": SENTINEL,
            "PATH": "",
            "PYTHONWARNINGS": "error",
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode in (0, 3), result.stderr
    assert '"code": "secret"' in result.stdout
    assert not leaked(result.stdout + result.stderr)
