"""The stand-in answers as Synapse does: one script of requests, played against both, must
give the same statuses, errcodes, keys and values (ids aside, which each server makes
its own).

Every other Matrix test also runs against both servers; this one compares them
directly, request by request, including answers no adapter test looks at.
"""

from __future__ import annotations

import re
import secrets
from typing import Any
from urllib.parse import quote

from tests.matrix._homeserver import SERVER_NAME, Homeserver

Answer = tuple[str, int, Any]

_STABLE = (
    "errcode",
    "room_version",
    "name",
    "topic",
    "avatar_url",
    "encryption",
    "guest_can_join",
    "world_readable",
    "join_rule",
    "room_type",
    "membership",
    "num_joined_members",
    "servers",
    "is_guest",
)


def _shape(body: dict[str, Any]) -> Any:
    """What must match: the keys, and the values that are not ids."""
    return (sorted(body), {key: body[key] for key in _STABLE if key in body})


def _script(server: Homeserver) -> list[Answer]:
    """Seed and ask ``server`` the same things, in the same order; keep every answer."""
    answers: list[Answer] = []
    suffix = secrets.token_hex(3)
    owner = server.register(f"owner{suffix}")
    guest = server.register(f"guest{suffix}")
    loner = server.register(f"loner{suffix}")

    def ask(
        label: str, method: str, path: str, body: object = None, token: str | None = None
    ) -> dict[str, Any]:
        status, answer = server.request(method, path, body, token=token)
        answers.append((label, status, _shape(answer)))
        return answer

    client = "/_matrix/client"
    room = ask(
        "create a public room",
        "POST",
        f"{client}/v3/createRoom",
        {
            "preset": "public_chat",
            "name": "Lounge",
            "topic": "all welcome",
            "initial_state": [
                {"type": "m.room.avatar", "state_key": "", "content": {"url": "mxc://x.y/abc"}},
                {
                    "type": "m.room.encryption",
                    "state_key": "",
                    "content": {"algorithm": "m.megolm.v1.aes-sha2"},
                },
            ],
        },
        owner.token,
    )["room_id"]
    space = ask(
        "create an invite-only space of version 10",
        "POST",
        f"{client}/v3/createRoom",
        {"preset": "private_chat", "creation_content": {"type": "m.space"}, "room_version": "10"},
        owner.token,
    )["room_id"]
    alias = f"#lounge{suffix}:{SERVER_NAME}"
    directory = f"{client}/v3/directory/room/{quote(alias, safe='')}"
    room_path, space_path = quote(room, safe=""), quote(space, safe="")
    unknown_v12 = "!" + "A" * 43

    ask("alias by a stranger", "PUT", directory, {"room_id": room}, guest.token)
    ask("alias on another server", "PUT", f"{client}/v3/directory/room/%23x%3Aother.org",
        {"room_id": room}, owner.token)  # fmt: skip
    ask("alias of no room", "PUT", directory, {"room_id": "!nope"}, owner.token)
    ask("alias", "PUT", directory, {"room_id": room}, owner.token)
    ask("alias again", "PUT", directory, {"room_id": room}, owner.token)
    ask("resolve", "GET", directory)
    summary = f"{client}/v1/room_summary"
    ask("summary, anonymous", "GET", f"{summary}/{quote(alias, safe='')}")
    ask("summary, the owner", "GET", f"{summary}/{room_path}", token=owner.token)
    ask("summary, not joined", "GET", f"{summary}/{room_path}", token=guest.token)
    ask("summary, bad token", "GET", f"{summary}/{room_path}", token="nonsense")
    ask("summary, unknown id, no via", "GET", f"{summary}/{unknown_v12}")
    ask("summary, unknown id, via", "GET", f"{summary}/{unknown_v12}?via={SERVER_NAME}")
    ask("summary, malformed", "GET", f"{summary}/nonsense")
    ask("summary, private space", "GET", f"{summary}/{space_path}")
    ask("summary, space, owner", "GET", f"{summary}/{space_path}", token=owner.token)
    join = f"{client}/v3/join"
    ask("join, no token", "POST", f"{join}/{room_path}", {})
    ask("join, unknown alias", "POST", f"{join}/%23nope%3A{SERVER_NAME}", {}, guest.token)
    ask("join, unknown id", "POST", f"{join}/{unknown_v12}", {}, guest.token)
    ask("join, malformed", "POST", f"{join}/nonsense", {}, guest.token)
    ask("join", "POST", f"{join}/{quote(alias, safe='')}", {}, guest.token)
    ask("join again", "POST", f"{join}/{room_path}", {}, guest.token)
    ask("summary, joined", "GET", f"{summary}/{room_path}", token=guest.token)
    ask("join a private space", "POST", f"{join}/{space_path}", {}, guest.token)
    aliases = f"{client}/v3/rooms/{room_path}/aliases"
    ask("aliases, no token", "GET", aliases)
    ask("aliases, member", "GET", aliases, token=guest.token)
    ask("aliases, non-member", "GET", f"{client}/v3/rooms/{space_path}/aliases", None, guest.token)
    rooms = f"{client}/v3/rooms"
    ask("invite a member", "POST", f"{rooms}/{room_path}/invite", {"user_id": guest.user_id},
        owner.token)  # fmt: skip
    ask("invite, as a non-member", "POST", f"{rooms}/{room_path}/invite",
        {"user_id": owner.user_id}, loner.token)  # fmt: skip
    ask("invite to the space", "POST", f"{rooms}/{space_path}/invite",
        {"user_id": loner.user_id}, owner.token)  # fmt: skip
    ask("summary, invited", "GET", f"{summary}/{space_path}", token=loner.token)
    ask("ban", "POST", f"{rooms}/{space_path}/ban", {"user_id": guest.user_id}, owner.token)
    ask("ban, as a non-member", "POST", f"{rooms}/{space_path}/ban", {"user_id": owner.user_id},
        guest.token)  # fmt: skip
    ask("summary, banned", "GET", f"{summary}/{space_path}", token=guest.token)
    ask("join, banned", "POST", f"{join}/{space_path}", {}, guest.token)
    ask("invite, banned", "POST", f"{rooms}/{space_path}/invite", {"user_id": guest.user_id},
        owner.token)  # fmt: skip
    state = f"{rooms}/{room_path}/state/m.room.canonical_alias/"
    ask("canonical alias, unknown", "PUT", state, {"alias": f"#nope:{SERVER_NAME}"}, owner.token)
    ask("canonical alias", "PUT", state, {"alias": alias}, owner.token)
    ask("summary with its alias", "GET", f"{summary}/{room_path}")
    ask("delete, not allowed", "DELETE", directory, token=guest.token)
    ask("delete", "DELETE", directory, token=owner.token)
    ask("delete again", "DELETE", directory, token=owner.token)
    ask("summary without it", "GET", f"{summary}/{room_path}")
    ask("resolve, deleted", "GET", directory)
    ask("who am I", "GET", f"{client}/v3/account/whoami", token=owner.token)
    return answers


def test_the_stand_in_answers_as_synapse_does(synapse: Homeserver, stand_in: Homeserver) -> None:
    real, stand_in_answers = _script(synapse), _script(stand_in)
    assert [label for label, _, _ in real] == [label for label, _, _ in stand_in_answers]
    for expected, got in zip(real, stand_in_answers, strict=True):
        assert got == expected, expected[0]


def test_ids_have_the_shapes_synapse_gives(synapse: Homeserver, stand_in: Homeserver) -> None:
    for server in (synapse, stand_in):
        name = f"ids{secrets.token_hex(3)}"
        owner = server.register(name)
        v12 = server.create_room(owner)
        v10 = server.create_room(owner, room_version="10")
        assert re.fullmatch(r"![A-Za-z0-9_\-]{43}", v12), v12
        assert re.fullmatch(rf"![A-Za-z]{{18}}:{re.escape(SERVER_NAME)}", v10), v10
        assert owner.user_id == f"@{name}:{SERVER_NAME}"
