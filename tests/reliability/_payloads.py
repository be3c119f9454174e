"""Real payloads to mutate, and JSON to throw at decoders and error parsers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

__all__ = ["JSON", "KEYS", "SEEDS", "nested"]

_TESTS = Path(__file__).parent.parent

KEYS = [
    # Discord
    "type", "code", "guild", "channel", "inviter", "target_user", "target_type",
    "expires_at", "approximate_member_count", "approximate_presence_count", "uses",
    "max_uses", "max_age", "temporary", "created_at", "guild_scheduled_event", "roles",
    "id", "name", "icon", "features", "recipients", "flags", "message", "errors",
    "_errors", "retry_after", "global",
    # Stoat
    "_id", "server_id", "server_name", "server_icon", "server_banner", "server_flags",
    "channel_id", "channel_name", "channel_description", "user_name", "user_avatar",
    "member_count", "creator", "server", "channels", "users", "location", "max",
    "permission", "error", "reason", "description",
]  # fmt: skip
"""Keys the platforms' schemas use, so random documents hit the decoders' real paths."""

SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=40)
)

JSON: st.SearchStrategy[Any] = st.recursive(
    SCALARS,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=8), children, max_size=6)
    ),
    max_leaves=25,
)


def _load(platform: str, names: list[str]) -> list[tuple[str, Any]]:
    folder = _TESTS / platform / "data" / "payloads"
    return [(platform, json.loads((folder / name).read_text(encoding="utf-8"))) for name in names]


SEEDS: list[tuple[str, Any]] = _load(
    "discord",
    [
        "constructed_get_invite_guild_with_counts.json",
        "constructed_get_invite_group_dm.json",
        "constructed_get_channel_invites_with_metadata.json",
        "docs_invite_object_verbatim.json",
        "docs_invite_metadata_verbatim.json",
    ],
) + _load(
    "stoat",
    [
        "server_public_invite.json",
        "group_public_invite.json",
        "private_server_invite.json",
        "private_group_invite.json",
        "server_invites_list.json",
        "accept_server_response.json",
    ],
)
"""(platform, payload) pairs as the platforms send them."""


def nested(depth: int, *, kind: str = "list", leaf: bytes = b"1") -> bytes:
    """JSON text nested ``depth`` levels deep: ``[[[…]]]`` or ``{"a":{"a":…}}``."""
    if kind == "list":
        return b"[" * depth + leaf + b"]" * depth
    return b'{"a":' * depth + leaf + b"}" * depth
