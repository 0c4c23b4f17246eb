"""Websockets open only from the server's own pages: a handshake whose Origin is another site's is refused (403).

A browser sends the page's session cookie with a websocket handshake to our host whatever page opens it, and
the same-origin policy does not guard websockets: without this, any web page a signed-in student visits could
open their run's stream and read it. Browsers always send Origin on a websocket handshake and pages cannot forge
it, so a handshake without one comes from a script or a CLI, which holds its own token anyway: allowed.

"Own" is the Host the handshake was sent to (behind a proxy that rewrites Host, name the public origin in
PLAYGROUND_ALLOWED_ORIGINS). An ASGI middleware, so every websocket route, one added later included, is covered.
"""
from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from .sockets import CLOSE_POLICY_VIOLATION, close_reason


def foreign_origin(headers: Headers, allowed: frozenset[str]) -> str | None:
    """The handshake's Origin when it is neither the server's own nor allowed; None when it may open."""
    origin = headers.get("origin")
    if origin is None or origin.rstrip("/") in allowed:
        return None
    host = headers.get("host", "")
    if host and urlsplit(origin).netloc.lower() == host.lower():
        return None
    return origin


class SameOriginWebsockets:
    def __init__(self, app: ASGIApp, allowed: Iterable[str] = ()):
        self.app, self.allowed = app, frozenset(o.rstrip("/") for o in allowed)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket" and (origin := foreign_origin(Headers(scope=scope), self.allowed)):
            await refuse(scope, receive, send, origin)
            return
        await self.app(scope, receive, send)


async def refuse(scope: Scope, receive: Receive, send: Send, origin: str) -> None:
    message = (f"a page on {origin} may not open this server's websockets: only the server's own pages may, and "
               "those of PLAYGROUND_ALLOWED_ORIGINS")
    if "websocket.http.response" in scope.get("extensions", {}):
        await PlainTextResponse(message, status_code=403)(scope, receive, send)
    else:
        await send({"type": "websocket.close", "code": CLOSE_POLICY_VIOLATION, "reason": close_reason(message)})
