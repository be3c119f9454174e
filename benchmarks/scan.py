"""scan: every invite link in 100,000 chat messages.

invitekit's ``find_invites`` (exact hosts, validated codes, look-alikes refused) against
the floor — one precompiled ``re.finditer`` of a plain pattern over the same hosts — and
discord.py's ``resolve_invite`` applied to every whitespace-separated token.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

import invitekit
from benchmarks._corpus import Corpus, make_corpus
from benchmarks._measure import Contender, Role, time_alternating
from benchmarks._peers import installed_version
from benchmarks._report import Row, Table, Target
from benchmarks._settings import Settings
from invitekit.links import LinkRules
from invitekit.registry import link_rules_for

__all__ = ["CHAT_PLATFORMS", "floor_pattern", "run"]

CHAT_PLATFORMS = ("discord", "stoat")
"""The platforms whose links the corpus plants (the fake's test host is left out)."""


def _rules() -> list[LinkRules]:
    available = invitekit.available_platforms()
    return [link_rules_for(p) for p in CHAT_PLATFORMS if p in available]


def floor_pattern(rules: Sequence[LinkRules]) -> re.Pattern[str]:
    """The simple pattern a bot author would write: scheme?, host + path, a code."""
    paths = sorted({f"{f.host}{f.prefix}" for r in rules for f in r.forms}, key=len, reverse=True)
    alternatives = "|".join(re.escape(path) for path in paths)
    return re.compile(rf"(?:https?://)?(?:{alternatives})([A-Za-z0-9_-]+)")


def _ours(messages: Sequence[str]) -> Callable[[], list[Any]]:
    find = invitekit.find_invites

    def scan() -> list[Any]:
        found: list[Any] = []
        for text in messages:
            found += find(text)
        return found

    return scan


def _floor(messages: Sequence[str], pattern: re.Pattern[str]) -> Callable[[], list[Any]]:
    finditer = pattern.finditer

    def scan() -> list[Any]:
        found: list[Any] = []
        for text in messages:
            for match in finditer(text):
                found.append(match.group(1))
        return found

    return scan


def _discord_py(messages: Sequence[str]) -> Callable[[], list[Any]] | None:
    try:
        from discord.utils import resolve_invite
    except ImportError:
        return None

    def scan() -> list[Any]:
        found: list[Any] = []
        for text in messages:
            for token in text.split():
                try:
                    resolved = resolve_invite(token)
                except ValueError:
                    continue
                if resolved.code != token:  # anything else came back as "a code"
                    found.append(resolved)
        return found

    return scan


def run(settings: Settings) -> tuple[list[Table], list[Target]]:
    """Scan the corpus with every contender, alternating; check invitekit found every link."""
    rules = _rules()
    corpus: Corpus = make_corpus(settings.messages, rules)
    scanners: list[tuple[str, Role, Callable[[], list[Any]]]] = [
        ("invitekit", "ours", _ours(corpus.messages)),
        ("single-regex floor", "floor", _floor(corpus.messages, floor_pattern(rules))),
    ]
    peer = _discord_py(corpus.messages)
    if peer is not None:
        version = installed_version("discord.py")
        scanners.append((f"discord.py {version} resolve_invite", "peer", peer))
    found = {name: len(scan()) for name, _, scan in scanners}
    if found["invitekit"] != corpus.planted:
        raise AssertionError(
            f"invitekit found {found['invitekit']} links, {corpus.planted} planted"
        )
    contenders = [Contender(name, role, scan) for name, role, scan in scanners]
    timings = time_alternating(contenders, repeats=settings.repeats, budget=settings.batch_seconds)
    rows = [
        Row(
            t.contender.name, t.contender.role, t.median * 1e3, f"{found[t.contender.name]:,} found"
        )
        for t in timings
    ]
    with_links = sum(1 for m in corpus.messages if "/" in m)
    table = Table(
        f"scan: {len(corpus.messages):,} chat messages",
        f"ms per {len(corpus.messages):,} messages",
        True,
        rows,
        notes=[
            f"{corpus.planted:,} invite links planted; {with_links:,} messages contain a '/'; "
            f"platforms: {', '.join(r.platform for r in rules)}",
        ],
    )
    floor = table.row("single-regex floor")
    ratio = table.ours.value / floor.value
    target = Target(
        table.title,
        "invitekit no slower than the single-regex floor",
        f"{ratio:.2f}x the floor's time",
        ratio <= 1.0,
    )
    return [table], [target]
