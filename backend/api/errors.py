"""Service exceptions as HTTP answers: never a 500 for something the caller got wrong."""
from __future__ import annotations

import json
import math

import redis.exceptions
from fastapi import FastAPI, Request, WebSocket
from fastapi.encoders import jsonable_encoder
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError, WebSocketRequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from ..services.errors import UNAVAILABLE, Conflict, Forbidden, InvalidBody, NotFound, OverQuota, Unauthorized
from .answers import allowed_methods
from .sockets import CLOSE_POLICY_VIOLATION, close

MAX_EXCERPT = 200  # characters of the caller's input a 422 quotes back: enough to recognise it, never the body


def unavailable_message(error: Exception) -> str:
    what = "the queue (Redis)" if isinstance(error, redis.exceptions.RedisError) else "the database"
    return f"{what} cannot be reached right now; try again shortly"


def _json_safe(value):
    """NaN and infinity have no JSON form: echo them back as text, as the caller wrote them."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    return value


def excerpt(value):
    """The input a 422 quotes, as it was when short; else the start of its JSON, cut, so 10 MB in is not 10 MB
    out (and a huge number is not turned into text digit by digit)."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 3 * MAX_EXCERPT:
        return f"an integer of about {int(value.bit_length() * math.log10(2))} digits"
    if isinstance(value, (bool, int, float)) or value is None:
        return value
    if isinstance(value, str):
        return value if len(value) <= MAX_EXCERPT else value[:MAX_EXCERPT] + "..."
    text = json.dumps(_json_safe(jsonable_encoder(value)), ensure_ascii=False, default=str)
    return value if len(text) <= MAX_EXCERPT else text[:MAX_EXCERPT] + "..."


def invalid(errors: list[dict]) -> JSONResponse:
    """FastAPI's own 422 shape: {"detail": [{"loc", "msg", "type", "input"?, ...}]}, its input an excerpt."""
    trimmed = [{**e, "input": excerpt(e["input"])} if "input" in e else e for e in errors]
    return JSONResponse({"detail": _json_safe(jsonable_encoder(trimmed))}, status_code=422)


def install(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, error: RequestValidationError):
        return invalid(list(error.errors()))

    @app.exception_handler(WebSocketRequestValidationError)
    async def invalid_socket(websocket: WebSocket, error: WebSocketRequestValidationError):
        # Accepted first, so the client gets a close frame with the reason rather than a bare 403 handshake.
        problem = error.errors()[0]
        await websocket.accept()
        await close(websocket, CLOSE_POLICY_VIOLATION,
                    f"{'.'.join(str(p) for p in problem['loc'])}: {problem['msg']}")

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, error: HTTPException):
        if error.status_code == 405:
            allow = ", ".join(allowed_methods(request.app, request.url.path))
            error.headers = {**(error.headers or {}), "Allow": allow}
        return await http_exception_handler(request, error)

    @app.exception_handler(InvalidBody)
    async def invalid_body(request: Request, error: InvalidBody):
        return invalid([{"loc": ["body", *error.under, *p.loc], "msg": p.msg, "type": p.type} for p in error.problems])

    for kind in UNAVAILABLE:
        @app.exception_handler(kind)
        async def service_unavailable(request: Request, error: Exception):
            return JSONResponse({"detail": unavailable_message(error)}, status_code=503,
                                headers={"Retry-After": "2"})

    @app.exception_handler(NotFound)
    async def not_found(request: Request, error: NotFound):
        return JSONResponse({"detail": str(error)}, status_code=404)

    @app.exception_handler(Conflict)
    async def conflict(request: Request, error: Conflict):
        return JSONResponse({"detail": str(error)}, status_code=409)

    @app.exception_handler(OverQuota)
    async def over_quota(request: Request, error: OverQuota):
        return JSONResponse({"detail": str(error)}, status_code=429, headers={"Retry-After": str(error.retry_after)})

    @app.exception_handler(Unauthorized)
    async def unauthorized(request: Request, error: Unauthorized):
        return JSONResponse({"detail": str(error)}, status_code=401, headers={"WWW-Authenticate": "Bearer"})

    @app.exception_handler(Forbidden)
    async def forbidden(request: Request, error: Forbidden):
        return JSONResponse({"detail": str(error)}, status_code=403)
