"""Request bodies bounded before they are parsed: a 413 with a JSON detail, at once.

An ASGI middleware, so every route, one added later included, is covered: a Content-Length over the limit is
refused before a byte of the body is read; a body without one (chunked) is counted as it streams in and refused
as soon as it passes the limit, so the server never holds or parses more than the limit. One 100 MB body froze
the server for minutes (parsing on the event loop, 3 GB of memory); a spec is a few KB.

The limit is PLAYGROUND_MAX_BODY_BYTES; a route that takes larger bodies (an upload) names its path prefix and
limit in `larger` (docs/hardening.md).
"""
from __future__ import annotations

from collections.abc import Mapping

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send


def too_large_message(limit: int) -> str:
    return (f"the request body is larger than this server takes here: at most {limit} bytes "
            "(PLAYGROUND_MAX_BODY_BYTES)")


class TooLarge(HTTPException):
    """Raised from `receive` while the body streams in: FastAPI passes an HTTPException on, so it is a 413."""

    def __init__(self, limit: int):
        super().__init__(413, too_large_message(limit))


class BodyLimit:
    def __init__(self, app: ASGIApp, limit: int, larger: Mapping[str, int] | None = None):
        self.app, self.limit, self.larger = app, limit, dict(larger or {})

    def limit_for(self, path: str) -> int:
        return next((n for prefix, n in self.larger.items() if path.startswith(prefix)), self.limit)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        declared = Headers(scope=scope).get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            # Not read: the server closes the connection after answering rather than drain a body it refused.
            await JSONResponse({"detail": too_large_message(limit)}, status_code=413,
                               headers={"Connection": "close"})(scope, receive, send)
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise TooLarge(limit)
            return message

        await self.app(scope, counted, send)
