"""``invitekit resolve``: find invite links in text and resolve them, as a table or JSON lines."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, TextIO

from invitekit.cli._exit import EXIT_NOTHING, EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE
from invitekit.client import InviteClient, Resolution
from invitekit.errors import HTTPError, InviteError
from invitekit.models import (
    PublicFriendInvite,
    PublicGroupInvite,
    PublicInvite,
    PublicServerInvite,
)
from invitekit.refs import InviteRef
from invitekit.registry import available_platforms, get_adapter

EXIT_NO_LINKS = EXIT_NOTHING
PROGRESS_THRESHOLD = 20
"""Progress goes to a terminal's stderr only when at least this many links are resolved."""


def parse_api_bases(pairs: Sequence[str]) -> dict[str, str]:
    """Turn ``PLATFORM=URL`` arguments into a mapping.

    Raises:
        ValueError: An argument has no ``=`` or an empty side.
    """
    return dict(_pairs(pairs, "--api-base", "URL"))


def parse_link_hosts(pairs: Sequence[str]) -> dict[str, list[str]]:
    """Turn ``PLATFORM=HOST`` arguments into each platform's hosts, in order.

    Raises:
        ValueError: An argument has no ``=`` or an empty side.
    """
    hosts: dict[str, list[str]] = {}
    for platform, host in _pairs(pairs, "--link-host", "HOST"):
        hosts.setdefault(platform, []).append(host)
    return hosts


def _pairs(pairs: Sequence[str], flag: str, value: str) -> list[tuple[str, str]]:
    parsed = []
    for pair in pairs:
        platform, sep, right = pair.partition("=")
        if not sep or not platform or not right:
            raise ValueError(f"{flag} expects PLATFORM={value}, got {pair!r}")
        parsed.append((platform, right))
    return parsed


def _platform_options(
    platform: str, api_bases: Mapping[str, str], allow_insecure: bool
) -> dict[str, Any]:
    options: dict[str, Any] = {}
    token = os.environ.get(f"{platform.upper()}_TOKEN")
    if token:
        options["token"] = token
    if platform in api_bases:
        options["api_base"] = api_bases[platform]
        if allow_insecure:
            options["allow_insecure"] = True
    return options


def build_client(
    api_bases: Mapping[str, str],
    errors: TextIO,
    *,
    allow_insecure: bool = False,
    link_hosts: Mapping[str, Sequence[str]] | None = None,
) -> InviteClient | None:
    """Build a client for every installed platform; report (and skip) any that fail.

    ``allow_insecure`` lets the platforms given an API base talk plain http to it. A
    platform with ``link_hosts`` gets two adapters: the official instance's, and the
    self-hosted instance's at its API base, which answers for links on those hosts (and
    gets no token: the platform's token is the official account's).
    """
    link_hosts = link_hosts or {}
    missing_base = sorted(set(link_hosts) - set(api_bases))
    if missing_base:
        errors.write(
            "invitekit: --link-host needs the self-hosted instance's --api-base too: "
            f"{', '.join(missing_base)}\n"
        )
        return None
    adapters = []
    for platform in available_platforms():
        official = _platform_options(platform, {}, allow_insecure)
        if platform in link_hosts:
            builds = [
                official,
                {
                    **_platform_options(platform, api_bases, allow_insecure),
                    "token": None,
                    "link_hosts": link_hosts[platform],
                },
            ]
        else:
            builds = [_platform_options(platform, api_bases, allow_insecure)]
        for options in builds:
            try:
                adapters.append(get_adapter(platform, **options))
            except InviteError as error:
                # The adapter's advice names its argument; here it is a flag.
                advice = str(error).replace("pass allow_insecure=True", "pass --allow-insecure")
                errors.write(f"invitekit: skipping {platform}: {advice}\n")
    unknown = sorted(set(api_bases) - {adapter.platform for adapter in adapters})
    if unknown:
        errors.write(f"invitekit: --api-base for unknown platform(s): {', '.join(unknown)}\n")
        return None
    return InviteClient(*adapters) if adapters else None


def describe(invite: PublicInvite) -> dict[str, Any]:
    """The fields a person or a script wants to see of an invite, platform-neutral."""
    record: dict[str, Any] = {"kind": "unknown", "name": None, "channel": None}
    record["members"] = None
    record["expires_at"] = None
    if isinstance(invite, PublicServerInvite):
        record.update(kind="server", name=invite.server.name, members=invite.member_count)
        record["channel"] = invite.channel.name if invite.channel else None
        record["expires_at"] = invite.expires_at
    elif isinstance(invite, PublicGroupInvite):
        record.update(kind="group", members=invite.member_count, expires_at=invite.expires_at)
        record["name"] = record["channel"] = invite.channel.name if invite.channel else None
    elif isinstance(invite, PublicFriendInvite):
        record.update(kind="friend", expires_at=invite.expires_at)
        record["name"] = invite.inviter.name if invite.inviter else None
    if isinstance(record["expires_at"], datetime):
        record["expires_at"] = record["expires_at"].isoformat()
    return record


def _error_record(error: InviteError) -> dict[str, Any]:
    record: dict[str, Any] = {"error": type(error).__name__, "message": error.message}
    if isinstance(error, HTTPError):
        record.update(status=error.status, error_code=error.code)
    return record


def collect_refs(client: InviteClient, texts: Iterable[str]) -> list[InviteRef]:
    """Every link in ``texts``, in order of first appearance, each once."""
    refs: dict[InviteRef, None] = {}
    for text in texts:
        refs.update(dict.fromkeys(client.find_invites(text)))
    return list(refs)


async def resolve_refs(
    client: InviteClient, refs: Sequence[InviteRef], progress: TextIO | None
) -> list[Resolution]:
    """Resolve ``refs`` concurrently, reporting progress to ``progress`` if given."""
    done = 0

    async def one(ref: InviteRef) -> Resolution:
        nonlocal done
        try:
            outcome = Resolution(ref, invite=await client.fetch_invite(ref))
        except InviteError as error:
            outcome = Resolution(ref, error=error)
        done += 1
        if progress is not None:
            progress.write(f"\rresolved {done}/{len(refs)}")
            progress.flush()
        return outcome

    results = await asyncio.gather(*(one(ref) for ref in refs))
    if progress is not None:
        progress.write("\n")
    return list(results)


def _cell(value: object) -> str:
    return "-" if value is None else str(value)


def print_table(results: Sequence[Resolution], out: TextIO) -> None:
    """Write a readable table, one row per link."""
    header = ("PLATFORM", "CODE", "KIND", "NAME", "CHANNEL", "MEMBERS", "EXPIRES")
    rows: list[tuple[str, ...]] = [header]
    for result in results:
        ref = result.ref
        if result.invite is None:
            error = result.error
            problem = f"{type(error).__name__}: {error.message}" if error else "no result"
            rows.append((ref.platform, ref.code, "error", problem))
            continue
        record = describe(result.invite)
        rows.append(
            (
                ref.platform,
                ref.code,
                record["kind"],
                _cell(record["name"]),
                _cell(record["channel"]),
                _cell(record["members"]),
                _cell(record["expires_at"]),
            )
        )
    # Error rows end in a free-text message, which must not widen the column it starts in.
    widths = [
        max(len(row[i]) for row in rows if i < len(row) - 1 or len(row) == len(header))
        for i in range(len(header) - 1)
    ]
    for row in rows:
        cells = [cell.ljust(widths[i]) if i < len(widths) else cell for i, cell in enumerate(row)]
        out.write("  ".join(cells).rstrip() + "\n")


def print_json(results: Sequence[Resolution], out: TextIO) -> None:
    """Write one JSON object per link."""
    for result in results:
        ref = result.ref
        record: dict[str, Any] = {"platform": ref.platform, "code": ref.code, "url": str(ref)}
        if ref.instance is not None:
            record["instance"] = ref.instance
        if result.invite is not None:
            record.update(ok=True, **describe(result.invite))
        elif result.error is not None:
            record.update(ok=False, **_error_record(result.error))
        out.write(json.dumps(record, ensure_ascii=False) + "\n")


def read_inputs(texts: Sequence[str], file: str | None, stdin: TextIO) -> list[str]:
    """The lines to scan: the arguments, then the file (``-`` is stdin); stdin if neither.

    Raises:
        OSError: The file cannot be read.
    """
    lines = list(texts)
    if file == "-" or (file is None and not texts):
        lines.extend(stdin)
    elif file is not None:
        with open(file, encoding="utf-8") as handle:
            lines.extend(handle)
    return lines


def run_resolve(
    texts: Sequence[str],
    *,
    file: str | None,
    as_json: bool,
    api_bases: Sequence[str],
    link_hosts: Sequence[str] = (),
    allow_insecure: bool = False,
    stdin: TextIO | None = None,
    out: TextIO | None = None,
    errors: TextIO | None = None,
) -> int:
    """The ``resolve`` command; returns its exit code."""
    stdin, out, errors = stdin or sys.stdin, out or sys.stdout, errors or sys.stderr
    try:
        bases = parse_api_bases(api_bases)
        hosts = parse_link_hosts(link_hosts)
        lines = read_inputs(texts, file, stdin)
    except (ValueError, OSError) as problem:
        errors.write(f"invitekit: {problem}\n")
        return EXIT_USAGE
    return asyncio.run(
        _resolve(
            lines,
            bases,
            hosts,
            as_json=as_json,
            allow_insecure=allow_insecure,
            out=out,
            errors=errors,
        )
    )


async def _resolve(
    lines: Sequence[str],
    bases: Mapping[str, str],
    hosts: Mapping[str, Sequence[str]],
    *,
    as_json: bool,
    allow_insecure: bool,
    out: TextIO,
    errors: TextIO,
) -> int:
    client = build_client(bases, errors, allow_insecure=allow_insecure, link_hosts=hosts)
    if client is None:
        return EXIT_USAGE
    async with client:
        refs = collect_refs(client, lines)
        if not refs:
            errors.write("invitekit: no invite links found\n")
            return EXIT_NO_LINKS
        show_progress = errors.isatty() and len(refs) >= PROGRESS_THRESHOLD
        results = await resolve_refs(client, refs, errors if show_progress else None)
    (print_json if as_json else print_table)(results, out)
    failed = not all(result.ok for result in results)
    return EXIT_SOME_FAILED if failed else EXIT_OK
