"""The ``invitekit`` command line (also ``python -m invitekit``).

Exit codes: 0 success; 1 no invite links found (``find``, ``resolve``) or a demo failed;
2 bad usage; 3 some links did not resolve (``resolve``; each is reported).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import TextIO

from invitekit import __version__
from invitekit.capabilities import Capability
from invitekit.cli._exit import EXIT_NOTHING, EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE
from invitekit.errors import InviteError
from invitekit.links import find_invites
from invitekit.registry import available_platforms, get_adapter_class

__all__ = [
    "DEMO_ENTRY_POINT_GROUP",
    "EXIT_NOTHING",
    "EXIT_OK",
    "EXIT_SOME_FAILED",
    "EXIT_USAGE",
    "main",
]

DEMO_ENTRY_POINT_GROUP = "invitekit.demos"
"""Adapters offer demos here: ``name = "package.module:run"``, ``async def run(out) -> bool``."""


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="invitekit", description="Chat invites from several platforms in one shape."
    )
    parser.add_argument("--version", action="version", version=f"invitekit {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = commands.add_parser(
        "demo", help="run a registered demo (default: every one); none touches the internet"
    )
    demo.add_argument("name", nargs="?", help="the demo to run (see --list)")
    demo.add_argument("--list", action="store_true", help="list the demos and exit")

    find = commands.add_parser(
        "find", help="list the invite links in text (arguments, or stdin when none are given)"
    )
    find.add_argument("text", nargs="*", help="text to scan; reads stdin when omitted")
    find.add_argument("--json", action="store_true", help="print one JSON object per link")

    resolve = commands.add_parser(
        "resolve",
        help="find invite links in text and resolve each on its platform",
        description=(
            "Tokens come from PLATFORM_TOKEN variables (DISCORD_TOKEN, STOAT_TOKEN, MATRIX_TOKEN)."
        ),
    )
    resolve.add_argument("text", nargs="*", help="links or text holding them")
    resolve.add_argument(
        "--file", metavar="PATH", help="also scan each line of PATH ('-' for stdin)"
    )
    resolve.add_argument("--json", action="store_true", help="print one JSON object per link")
    resolve.add_argument(
        "--api-base",
        action="append",
        default=[],
        metavar="PLATFORM=URL",
        help="talk to another API base (an emulator, a self-hosted instance); repeatable",
    )
    resolve.add_argument(
        "--link-host",
        action="append",
        default=[],
        metavar="PLATFORM=HOST",
        help=(
            "the --api-base of PLATFORM is a self-hosted instance whose invite links are on"
            " HOST; its links resolve there, the official ones as usual; repeatable"
        ),
    )
    resolve.add_argument(
        "--allow-insecure",
        action="store_true",
        help="let an --api-base on another host be plain http (a network you trust)",
    )

    commands.add_parser("platforms", help="list the registered platforms and what they can do")
    return parser


def _find(texts: Sequence[str], *, as_json: bool, stdin: TextIO, out: TextIO) -> int:
    lines = list(texts) if texts else stdin
    found = 0
    seen = set()
    for line in lines:
        for ref in find_invites(line):
            if ref in seen:
                continue
            seen.add(ref)
            found += 1
            if as_json:
                record = {"platform": ref.platform, "code": ref.code, "event_id": ref.event_id}
                out.write(json.dumps({**record, "url": ref.url}) + "\n")
            else:
                out.write(f"{ref.platform:<10} {ref.code:<24} {ref.url}\n")
    return EXIT_OK if found else EXIT_NOTHING


def _platforms(out: TextIO) -> int:
    for platform in available_platforms():
        try:
            adapter = get_adapter_class(platform)
        except InviteError as error:
            out.write(f"{platform:<10} unavailable: {error}\n")
            continue
        can = ", ".join(c.value for c in Capability if c in adapter.capabilities)
        hosts = ", ".join(f"{f.host}{f.prefix}" for f in adapter.link_rules.forms)
        out.write(f"{platform:<10} can: {can}\n{'':<10} links: {hosts}\n")
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``); return the exit code."""
    parser = _build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return exit_.code if isinstance(exit_.code, int) else EXIT_USAGE
    if args.command == "find":
        return _find(args.text, as_json=args.json, stdin=sys.stdin, out=sys.stdout)
    if args.command == "platforms":
        return _platforms(sys.stdout)
    if args.command == "resolve":
        from invitekit.cli._resolve import run_resolve

        return run_resolve(
            args.text,
            file=args.file,
            as_json=args.json,
            api_bases=args.api_base,
            link_hosts=args.link_host,
            allow_insecure=args.allow_insecure,
        )
    return _demo(args.name, list_only=args.list, out=sys.stdout)


def _demo(name: str | None, *, list_only: bool, out: TextIO) -> int:
    # Imported here: `invitekit find` must start as fast as the interpreter allows.
    import asyncio
    from importlib.metadata import entry_points

    demos = {entry.name: entry for entry in entry_points(group=DEMO_ENTRY_POINT_GROUP)}
    if list_only:
        out.write("".join(f"{demo}\n" for demo in sorted(demos)))
        return EXIT_OK
    if name is not None and name not in demos:
        known = ", ".join(sorted(demos)) or "none"
        sys.stderr.write(f"invitekit: no demo called {name!r} (available: {known})\n")
        return EXIT_USAGE
    succeeded = True
    for demo in [name] if name is not None else sorted(demos):
        out.write(f"== demo: {demo} ==\n")
        run = demos[demo].load()
        succeeded = asyncio.run(run(out)) and succeeded
    return EXIT_OK if succeeded else EXIT_NOTHING
