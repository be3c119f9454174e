"""``invitekit.testing.emulation``: the fault queue's order and schedule, and the canned answers."""

from __future__ import annotations

import pytest
from aiohttp import web
from aiohttp.test_utils import make_mocked_request

from invitekit.testing.emulation import Fault, FaultKind, FaultQueue


def test_queued_faults_come_first_each_once_in_order() -> None:
    queue = FaultQueue()
    queue.add(Fault.reset(), times=2)
    queue.add(Fault.empty())
    assert len(queue) == 3
    kinds = [queue.pop() for _ in range(4)]
    assert [k.kind if k else None for k in kinds] == [
        FaultKind.RESET,
        FaultKind.RESET,
        FaultKind.EMPTY,
        None,
    ]


def test_a_schedule_spoils_every_nth_request_in_turn() -> None:
    queue = FaultQueue()
    queue.every(3, [Fault.reset(), Fault.truncated()])
    served = [queue.pop() for _ in range(12)]
    assert [n for n, fault in enumerate(served, 1) if fault] == [3, 6, 9, 12]
    assert [f.kind for f in served if f] == [FaultKind.RESET, FaultKind.TRUNCATED] * 2
    queue.add(Fault.empty())  # queued faults go ahead of the schedule
    assert (popped := queue.pop()) is not None
    assert popped.kind is FaultKind.EMPTY
    queue.clear()
    assert [queue.pop() for _ in range(6)] == [None] * 6


def test_counts_are_validated() -> None:
    queue = FaultQueue()
    with pytest.raises(ValueError, match="times"):
        queue.add(Fault.reset(), times=0)
    with pytest.raises(ValueError, match="period"):
        queue.every(0, [Fault.reset()])


@pytest.mark.parametrize(
    ("fault", "content_type", "handled"),
    [
        (Fault.respond(502, "<html>bad gateway</html>"), "text/html", False),
        (Fault.respond(503, b"\x00\x01"), "application/octet-stream", False),
        (Fault.respond(429), None, False),
        (Fault.respond(200, b"{}", content_type="application/json"), "application/json", False),
        (Fault.stall(1.0), None, True),
        (Fault.slow_body(1.0), None, True),
        (Fault.retyped("text/plain", "x"), "text/plain", True),
    ],
)
def test_faults_say_what_they_send_and_whether_the_request_is_handled(
    fault: Fault, content_type: str | None, handled: bool
) -> None:
    assert fault.handled is handled
    assert fault.content_type == content_type
    if not handled:
        canned = fault.canned()
        assert canned.body == fault.body
        assert (canned.content_type if fault.body or content_type else None) == content_type


async def test_a_respond_fault_has_no_real_answer_to_spoil() -> None:
    request = make_mocked_request("GET", "/")
    with pytest.raises(ValueError, match="canned"):
        await Fault.respond(500).deliver(request, web.Response(), stopping=None)  # type: ignore[arg-type]
