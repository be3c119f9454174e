from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.http._support import ManualTime, ScriptedServer, serve


@pytest.fixture
def manual_time() -> ManualTime:
    return ManualTime()


@pytest.fixture
async def server(manual_time: ManualTime) -> AsyncIterator[ScriptedServer]:
    scripted = ScriptedServer(manual_time)
    async with serve(scripted.app()) as url:
        scripted.url = url
        yield scripted
