"""Service exceptions as HTTP answers: never a 500 for something the caller got wrong."""
from __future__ import annotations

import math

import redis.exceptions
from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from ..services.errors import UNAVAILABLE, Conflict, Forbidden, InvalidBody, NotFound, OverQuota, Unauthorized


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


def invalid(errors: list[dict]) -> JSONResponse:
    """FastAPI's own 422 shape: {"detail": [{"loc", "msg", "type", ...}]}."""
    return JSONResponse({"detail": _json_safe(jsonable_encoder(errors))}, status_code=422)


def install(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, error: RequestValidationError):
        return invalid(list(error.errors()))

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
