"""GET /metrics (no /api/v1 prefix, where Prometheus looks): the text exposition of services/telemetry.py.

Without accounts anyone may scrape it, as anyone may use the server; with accounts an admin, or a scraper
holding PLAYGROUND_METRICS_TOKEN as its bearer token (Prometheus' `authorization: credentials`), which
needs no account and never expires. RequestMetrics, an ASGI middleware, counts every request and
websocket by its route template (`/api/v1/runs/{run_id}`), never its raw path, so the series stay few.
"""
from __future__ import annotations

import hmac
import time
from fastapi import APIRouter, Depends, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..services.errors import UNAVAILABLE, Forbidden, Unauthorized
from ..services.telemetry import CONTENT_TYPE, Telemetry
from .deps import AppServices, BearerToken

router = APIRouter(tags=["operations"])
UNMATCHED = "(unmatched)"  # a path no route knows: one series, however many paths are tried


async def metrics_reader(services: AppServices, token: BearerToken) -> None:
    settings = services.settings
    if settings.auth == "none":
        return
    if settings.metrics_token and token and hmac.compare_digest(token, settings.metrics_token):
        return
    if token is None:
        raise Unauthorized("sign in as an admin, or send PLAYGROUND_METRICS_TOKEN as the bearer token")
    if not (await services.accounts.caller(token)).at_least("admin"):
        raise Forbidden("the server's metrics are for admins, or a scraper holding PLAYGROUND_METRICS_TOKEN")


@router.get("/metrics", response_class=Response, dependencies=[Depends(metrics_reader)],
            responses={200: {"content": {CONTENT_TYPE: {}}, "description": "Prometheus text exposition"}})
async def metrics(services: AppServices) -> Response:
    """Prometheus text format: requests, latency, runs by status, queue length, viewers, events, epochs
    (docs/api.md lists them). The runs by status are counted in the database at each scrape."""
    try:
        counts = await services.queries.status_counts()
    except UNAVAILABLE:  # the rest is still worth a scrape while the database is away
        counts = None
    return Response(services.telemetry.exposition(counts), media_type=CONTENT_TYPE)


def full_paths(app) -> dict[int, str]:
    """Each route's whole path template, by the route: FastAPI (0.16x) keeps an included router's routes with
    their own path (`/runs/{run_id}`) and puts its prefix (`/api/v1`) in a context of their inclusion."""
    try:
        from fastapi.routing import iter_route_contexts
    except ImportError:  # a FastAPI that copies included routes, each with its whole path
        return {}
    return {id(context.original_route): context.path_format for context in iter_route_contexts(app.routes)
            if context.path_format is not None}


def route_of(scope: Scope, paths: dict[int, str]) -> str:
    route = scope.get("route")
    path = paths.get(id(route)) or getattr(route, "path", None)
    if path is None:
        return UNMATCHED
    return path or "/"  # the page's files: the mount at ""


class RequestMetrics:
    """Counts and times every HTTP request, and holds a viewer gauge up while a websocket is open."""

    def __init__(self, app: ASGIApp, telemetry: Telemetry):
        self.app, self.telemetry = app, telemetry
        self.paths: dict[int, str] | None = None  # full_paths, once the app has all its routes

    def route_of(self, scope: Scope) -> str:
        if self.paths is None:
            self.paths = full_paths(scope["app"]) if "app" in scope else {}
        return route_of(scope, self.paths)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            await self._http(scope, receive, send)
        elif scope["type"] == "websocket":
            await self._websocket(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        status = 500  # an exception that escapes every handler answers 500

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        started = time.perf_counter()
        try:
            await self.app(scope, receive, sending)
        finally:
            method, route = scope["method"], self.route_of(scope)
            self.telemetry.latency.labels(method, route).observe(time.perf_counter() - started)
            self.telemetry.requests.labels(method, route, str(status)).inc()

    async def _websocket(self, scope: Scope, receive: Receive, send: Send) -> None:
        viewing: str | None = None  # the route whose gauge this socket holds up, once accepted

        async def sending(message: Message) -> None:
            nonlocal viewing
            await send(message)
            if message["type"] == "websocket.accept" and viewing is None:
                viewing = self.route_of(scope)
                self.telemetry.viewers.labels(viewing).inc()

        try:
            await self.app(scope, receive, sending)
        finally:
            if viewing is not None:
                self.telemetry.viewers.labels(viewing).dec()
