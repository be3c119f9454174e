"""The ``invitekit`` command line."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys

import pytest

from invitekit.cli import main


def test_find_in_arguments(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["find", "join fake.invitekit.test/abc!", "and <https://fake.invitekit.test/abc>"])
    out = capsys.readouterr().out.splitlines()
    assert code == 0
    assert out == ["fake       abc                      https://fake.invitekit.test/abc"]


def test_find_reads_stdin_and_prints_json(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(
        sys, "stdin", io.StringIO("a fake.invitekit.test/x1\nb fake.invitekit.test/y2\n")
    )
    assert main(["find", "--json"]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["code"] for r in records] == ["x1", "y2"]
    assert records[0] == {
        "platform": "fake",
        "code": "x1",
        "event_id": None,
        "url": "https://fake.invitekit.test/x1",
    }


def test_find_without_links_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["find", "evil.com/fake.invitekit.test/abc"]) == 1
    assert capsys.readouterr().out == ""


def test_platforms(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["platforms"]) == 0
    out = capsys.readouterr().out
    assert "fake" in out
    assert "accept" in out
    assert "fake.invitekit.test/" in out


def test_demo_runs_every_step(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "fake"]) == 0
    out = capsys.readouterr().out
    for expected in ("bob joins", "used up", "BotAccountRejected", "MissingPermissions", "expired"):
        assert expected in out
    assert "UNEXPECTED" not in out


def test_bridge_demo_resolves_every_emulated_platform(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "bridge"]) == 0
    out = capsys.readouterr().out
    # Other installed platforms (discord, stoat …) start alongside the fake.
    assert re.search(r"^started   : (.+, )?fake(, .+)? \(local only\)$", out, re.MULTILINE)
    # Column widths follow the longest code of any platform.
    assert re.search(r"^fake +lounge +server +Fake Lounge ", out, re.MULTILINE)
    assert re.search(r"^fake +expired1 +error +InviteNotFound", out, re.MULTILINE)
    assert "; as planned" in out


def test_the_whole_demo_from_the_console_script() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "invitekit", "demo"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("== demo:") >= 2
    assert "UNEXPECTED" not in result.stdout


def test_demo_list_and_unknown_demo(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--list"]) == 0
    assert {"bridge", "fake"} <= set(capsys.readouterr().out.split())
    assert main(["demo", "nope"]) == 2
    assert "no demo called 'nope'" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [[], ["explode"], ["find", "--frobnicate"]])
def test_bad_usage_exits_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    assert "usage" in capsys.readouterr().err


def test_python_dash_m_and_version() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "invitekit", "--version"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0
    assert result.stdout.startswith("invitekit ")
