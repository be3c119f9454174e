"""A transport that sends through aiohttp, as adapters do, and keeps every request: for
tests that must see what reached the homeserver (or that nothing did)."""

from __future__ import annotations

from invitekit.http import AiohttpTransport, Request, Response


class Recording:
    """Sends each request over the network and remembers it in ``sent``."""

    def __init__(self) -> None:
        self.sent: list[Request] = []
        self._network = AiohttpTransport(platform="matrix")

    async def send(self, request: Request) -> Response:
        self.sent.append(request)
        return await self._network.send(request)

    async def close(self) -> None:
        await self._network.close()

    @property
    def paths(self) -> list[str]:
        """``METHOD path?query`` of every request sent, in order."""
        return [f"{r.method} {r.url.partition('/_matrix/')[2]}" for r in self.sent]
