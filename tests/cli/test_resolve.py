"""``invitekit resolve``: inputs, outputs and exit codes (fake platform; emulators elsewhere)."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from invitekit.cli import EXIT_NOTHING as EXIT_NO_LINKS
from invitekit.cli import EXIT_SOME_FAILED, EXIT_USAGE, main
from invitekit.cli._resolve import (
    build_client,
    describe,
    parse_api_bases,
    print_json,
    print_table,
    run_resolve,
)
from invitekit.client import Resolution
from invitekit_fake import FakeAdapter, FakeWorld
from invitekit_stoat import StoatAdapter


def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "invitekit", "resolve", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_dead_links_are_reported_per_link_with_exit_3() -> None:
    result = run("hi fake.invitekit.test/abc and fake.invitekit.test/def")
    assert result.returncode == EXIT_SOME_FAILED
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["PLATFORM", "CODE", "KIND", "NAME", "CHANNEL", "MEMBERS", "EXPIRES"]
    assert [line.split()[:3] for line in lines[1:]] == [
        ["fake", "abc", "error"],
        ["fake", "def", "error"],
    ]
    assert "InviteNotFound" in lines[1]


def test_json_lines_from_stdin() -> None:
    result = run("--json", stdin="one fake.invitekit.test/abc\ntwo fake.invitekit.test/abc\n")
    assert result.returncode == EXIT_SOME_FAILED
    (record,) = [json.loads(line) for line in result.stdout.splitlines()]
    assert record == {
        "platform": "fake",
        "code": "abc",
        "url": "https://fake.invitekit.test/abc",
        "ok": False,
        "error": "InviteNotFound",
        "message": "Unknown Invite",
        "status": 404,
        "error_code": "UnknownInvite",
    }


def test_file_input(tmp_path: Path) -> None:
    path = tmp_path / "messages.txt"
    path.write_text("nothing here\nbut fake.invitekit.test/xyz here\n", encoding="utf-8")
    result = run("--json", "--file", str(path))
    assert [json.loads(line)["code"] for line in result.stdout.splitlines()] == ["xyz"]


def test_no_links_exit_1() -> None:
    result = run("no links, only evil.com/fake.invitekit.test/abc")
    assert result.returncode == EXIT_NO_LINKS
    assert "no invite links" in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["--api-base", "nonsense", "x"],
        ["--api-base", "nowhere=http://127.0.0.1:1", "x"],
        ["--file", "/no/such/file"],
    ],
)
def test_usage_errors_exit_2(args: list[str]) -> None:
    result = run(*args)
    assert result.returncode == EXIT_USAGE
    assert result.stderr.startswith("invitekit:")


def test_parse_api_bases() -> None:
    assert parse_api_bases(["stoat=https://chat.example.org/api", "a=b=c"]) == {
        "stoat": "https://chat.example.org/api",
        "a": "b=c",
    }
    for bad in ("x", "=y", "x="):
        with pytest.raises(ValueError, match="PLATFORM=URL"):
            parse_api_bases([bad])


async def test_describe_and_table_for_a_live_invite() -> None:
    world = FakeWorld()
    owner = world.add_user("owner")
    server = world.add_server("Bridge Crew", owner=owner)
    invite = world.add_invite(server.channel("general"), max_age=60)
    fetched = await FakeAdapter(world).fetch_invite(invite.code)
    record = describe(fetched)
    assert record == {
        "kind": "server",
        "name": "Bridge Crew",
        "channel": "general",
        "members": 1,
        "expires_at": "2026-01-01T00:01:00+00:00",
    }
    out = io.StringIO()
    print_table([Resolution(fetched.ref, invite=fetched)], out)
    row = out.getvalue().splitlines()[1]
    assert row.split() == [
        "fake",
        invite.code,
        "server",
        "Bridge",
        "Crew",
        "general",
        "1",
        "2026-01-01T00:01:00+00:00",
    ]


def test_main_dispatches_resolve(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["resolve", "fake.invitekit.test/abc"]) == EXIT_SOME_FAILED
    assert "InviteNotFound" in capsys.readouterr().out


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_goes_to_a_terminal_only_for_long_inputs() -> None:
    many = "\n".join(f"fake.invitekit.test/code{i:03d}" for i in range(25))
    errors, out = Terminal(), io.StringIO()
    code = run_resolve(
        [], file="-", as_json=True, api_bases=[], stdin=io.StringIO(many), out=out, errors=errors
    )
    assert code == EXIT_SOME_FAILED
    assert "\rresolved 1/25" in errors.getvalue()
    assert "\rresolved 25/25\n" in errors.getvalue()
    assert len(out.getvalue().splitlines()) == 25

    short_errors = Terminal()
    run_resolve(
        ["fake.invitekit.test/x1"],
        file=None,
        as_json=True,
        api_bases=[],
        out=io.StringIO(),
        errors=short_errors,
    )
    assert "resolved" not in short_errors.getvalue()

    piped = io.StringIO()
    run_resolve(
        [],
        file="-",
        as_json=True,
        api_bases=[],
        stdin=io.StringIO(many),
        out=io.StringIO(),
        errors=piped,
    )
    assert "resolved" not in piped.getvalue()


async def test_plain_http_to_another_host_needs_allow_insecure() -> None:
    bases = {"stoat": "http://10.1.2.3/api"}
    errors = io.StringIO()
    refused = build_client(bases, errors)
    assert refused is None  # stoat was skipped, so its --api-base names no platform
    assert "skipping stoat" in errors.getvalue()
    assert "pass --allow-insecure" in errors.getvalue()
    allowed = build_client(bases, io.StringIO(), allow_insecure=True)
    assert allowed is not None
    async with allowed:
        stoat = allowed.adapter("stoat")
        assert isinstance(stoat, StoatAdapter)
        assert stoat.api_base == "http://10.1.2.3/api"
        assert "discord" in allowed.platforms


def test_allow_insecure_reaches_the_resolve_command() -> None:
    result = run(
        "--api-base", "stoat=http://10.1.2.3/api", "fake.invitekit.test/abc", "--allow-insecure"
    )
    assert result.returncode == EXIT_SOME_FAILED  # ran: the fake link is dead
    assert "skipping stoat" not in result.stderr


async def test_a_self_hosted_instance_beside_the_official_one() -> None:
    from invitekit_stoat.testing import StoatEmulator

    emulator = StoatEmulator()
    owner = emulator.add_user("owner")
    server = emulator.add_server("Home Lounge", owner=owner)
    emulator.add_invite(emulator.add_channel(server, "general"), creator=owner, code="H0me1234")
    async with emulator.serve() as api_base:
        out, errors = io.StringIO(), io.StringIO()
        client = build_client(
            {"stoat": api_base}, errors, link_hosts={"stoat": ["chat.example.org"]}
        )
        assert client is not None
        async with client:
            official = client.adapter("stoat")
            self_hosted = client.adapter("stoat", "chat.example.org")
            assert official.instance is None
            assert self_hosted.instance == "chat.example.org"
            assert self_hosted.api_base == api_base  # type: ignore[attr-defined]
            assert official.api_base != api_base  # type: ignore[attr-defined]
            refs = client.find_invites(
                "new https://chat.example.org/invite/H0me1234 and old https://stt.gg/H0me1234"
            )
            assert [(ref.code, ref.instance) for ref in refs] == [
                ("H0me1234", "chat.example.org"),
                ("H0me1234", None),
            ]
            results = await client.resolve_all("https://chat.example.org/invite/H0me1234")
        print_json(results, out)
    (record,) = [json.loads(line) for line in out.getvalue().splitlines()]
    assert record["instance"] == "chat.example.org"
    assert record["url"] == "https://chat.example.org/invite/H0me1234"
    assert (record["ok"], record["name"]) == (True, "Home Lounge")
    assert errors.getvalue() == ""


async def test_a_discord_compatible_server_beside_discord() -> None:
    from invitekit_discord.testing import DiscordEmulator

    emulator = DiscordEmulator()
    guild = emulator.add_guild("Spacebar Lounge")
    emulator.add_invite(emulator.add_channel(guild, "general"), code="home42", max_age=0)
    async with emulator.serve() as api_base:
        out, errors = io.StringIO(), io.StringIO()
        client = build_client(
            {"discord": api_base}, errors, link_hosts={"discord": ["chat.spacebar.example"]}
        )
        assert client is not None
        async with client:
            assert client.adapter("discord").instance is None
            results = await client.resolve_all("https://chat.spacebar.example/invite/home42")
        print_json(results, out)
    (record,) = [json.loads(line) for line in out.getvalue().splitlines()]
    assert record["instance"] == "chat.spacebar.example"
    assert record["url"] == "https://chat.spacebar.example/invite/home42"
    assert (record["ok"], record["name"]) == (True, "Spacebar Lounge")
    assert errors.getvalue() == ""


def test_a_link_host_needs_the_instances_api_base() -> None:
    errors = io.StringIO()
    assert build_client({}, errors, link_hosts={"stoat": ["chat.example.org"]}) is None
    assert "--api-base" in errors.getvalue()
    result = run("--link-host", "stoat", "x")
    assert result.returncode == EXIT_USAGE
