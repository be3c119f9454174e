"""The access token never shows: not in a repr or str, an error (with its causes), a log
record at DEBUG, whatever the homeserver answers, even when it echoes the token back."""

from __future__ import annotations

import json
import logging
import traceback
from collections.abc import Iterator

import pytest

from invitekit import InvalidArgument, InviteClient, InviteError, Unauthorized
from invitekit.http import MockTransport, Request, Response
from invitekit_matrix import MatrixAdapter
from tests.matrix._homeserver import Homeserver
from tests.matrix.conftest import Register, alias

SENTINEL = "SeNtInEl-7d2b4c1f9e"


class Kept(logging.Handler):
    """Keeps every record."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def shown(*objects: object) -> str:
    """The repr and str of each object and of its attributes, one level down."""
    parts: list[str] = []
    for obj in objects:
        parts += [repr(obj), str(obj)]
        for value in vars(obj).values() if hasattr(obj, "__dict__") else ():
            parts += [repr(value), str(value)]
    return "\n".join(parts)


def everything(error: BaseException) -> str:
    parts = [str(error), repr(error), repr(error.args)]
    parts += traceback.format_exception(type(error), error, error.__traceback__)
    cause = error.__cause__ or error.__context__
    while cause is not None:
        parts += [str(cause), repr(cause)]
        cause = cause.__cause__ or cause.__context__
    return "\n".join(parts)


@pytest.fixture
def records() -> Iterator[list[logging.LogRecord]]:
    handler = Kept()
    root = logging.getLogger()
    previous = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield handler.records
    finally:
        root.removeHandler(handler)
        root.setLevel(previous)


async def test_calls_and_their_failures_show_no_token(
    homeserver: Homeserver, register: Register, records: list[logging.LogRecord]
) -> None:
    owner = register("owner")
    token = owner.token
    room_id = homeserver.create_room(owner, preset="public_chat")
    seen: list[str] = []
    async with MatrixAdapter(token, api_base=homeserver.url) as matrix:
        seen.append(shown(matrix, matrix.transport))
        created = await matrix.create_invite(room_id)
        seen.append(shown(created, await matrix.fetch_invite(created.code)))
        seen.append(shown(*await matrix.list_invites(channel_id=room_id)))
        for failing in (
            matrix.accept(room_id),  # AlreadyMember: its creator is in it
            matrix.fetch_invite(alias("gone")),
            matrix.delete(alias("gone")),
            matrix.create_invite(room_id, alias=created.code),
        ):
            with pytest.raises(InviteError) as caught:
                await failing
            seen.append(everything(caught.value))
        await created.delete()
    client = InviteClient(
        "matrix", options={"matrix": {"token": token, "api_base": homeserver.url}}
    )
    async with client:
        seen.append(shown(client, *client.adapters))
    assert records, "nothing was logged: the capture is not working"
    seen += [record.getMessage() for record in records]
    assert token not in "\n".join(seen)


@pytest.mark.parametrize(
    "token", [f"{SENTINEL}\n", f"{SENTINEL}\r\nX-Evil: 1", f"\x00{SENTINEL}", f"{SENTINEL}\x7f"]
)
def test_malformed_tokens_are_refused_without_echoing_them(token: str) -> None:
    with pytest.raises(InvalidArgument) as caught:
        MatrixAdapter(token)
    assert SENTINEL not in everything(caught.value)


async def test_a_server_echoing_the_token_is_masked() -> None:
    token = f"syt_{SENTINEL}"

    def echo(request: Request) -> Response:
        body = {"errcode": "M_UNKNOWN_TOKEN", "error": f"no session for {token}"}
        return Response(401, {"content-type": "application/json"}, json.dumps(body).encode())

    async with MatrixAdapter(token, transport=MockTransport(echo)) as matrix:
        with pytest.raises(Unauthorized) as caught:
            await matrix.fetch_invite("#lounge:example.org")
    assert token not in everything(caught.value)
    assert "no session for" in caught.value.message
