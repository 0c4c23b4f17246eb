"""Route dependencies: the one place routes and sockets get the caller and the services from.

Every route and the websocket take these as parameters (`Annotated[..., Depends(...)]`), never from
the app's state, and get the caller from `current_user` alone, so every query stays scoped to whoever
it names. With PLAYGROUND_AUTH=none that is the one local user; with accounts, whoever the token
names: `Authorization: Bearer TOKEN`, the page's session cookie, or a websocket's `?token=`.
"""
from __future__ import annotations

from typing import Annotated

from fastapi import Depends, WebSocketException
from fastapi.requests import HTTPConnection
from fastapi.security import OAuth2PasswordBearer

from workers.engine import Limits

from ..services.access import Caller
from ..services.accounts import Accounts
from ..services.assignments import Assignments
from ..services.classes import Classes
from ..services.container import EMBEDDED_USER, Services
from ..services.datasets import Datasets as DatasetBook
from ..services.errors import Forbidden, NotFound, Unauthorized
from ..services.queries import Queries
from ..services.runs import RunService
from ..services.stream import StreamService
from ..services.wall import WallService
from .sockets import close_reason


def get_services(connection: HTTPConnection) -> Services:
    """What the app factory built (HTTPConnection: the same for a request and a websocket)."""
    return connection.app.state.services


AppServices = Annotated[Services, Depends(get_services)]


def get_runs(services: AppServices) -> RunService:
    return services.runs


def get_queries(services: AppServices) -> Queries:
    return services.queries


def get_streams(services: AppServices) -> StreamService:
    return services.streams


def get_walls(services: AppServices) -> WallService:
    return services.walls


def get_limits(services: AppServices) -> Limits:
    return services.settings.limits


def get_datasets(services: AppServices) -> DatasetBook:
    return services.datasets


def get_accounts(services: AppServices) -> Accounts:
    return services.accounts


def get_classes(services: AppServices) -> Classes:
    return services.classes


def get_assignments(services: AppServices) -> Assignments:
    return services.assignments


SESSION_COOKIE = "playground_session"
CLOSE_UNAUTHORIZED = 4401  # a websocket with no valid sign-in, as 401 is for a request
# Without accounts every caller is the machine's one user, who may reach every run on it.
LOCAL_CALLER = Caller(id=EMBEDDED_USER, name="Local user", role="admin")


class SignedIn(OAuth2PasswordBearer):
    """The caller's token, from wherever they carry it; also what puts the Authorize button on /docs."""

    async def __call__(self, connection: HTTPConnection) -> str | None:  # a request or a websocket
        scheme, _, token = connection.headers.get("authorization", "").partition(" ")
        if scheme.lower() == "bearer" and token:
            return token
        if connection.cookies.get(SESSION_COOKIE):
            return connection.cookies[SESSION_COOKIE]
        if connection.scope["type"] == "websocket":  # a browser cannot set a websocket's headers
            return connection.query_params.get("token")
        return None


signed_in = SignedIn(tokenUrl="/api/v1/auth/token", auto_error=False)
BearerToken = Annotated[str | None, Depends(signed_in)]


async def optional_user(connection: HTTPConnection, services: AppServices, token: BearerToken) -> Caller | None:
    """The caller, or None when nobody signed in; a token that is unknown, revoked or expired is refused."""
    if services.settings.auth == "none":
        return LOCAL_CALLER
    if token is None:
        return None
    try:
        return await services.accounts.caller(token)
    except Unauthorized as error:
        if connection.scope["type"] == "websocket":
            raise WebSocketException(CLOSE_UNAUTHORIZED, close_reason(str(error))) from None
        raise


async def current_user(connection: HTTPConnection, user: Annotated[Caller | None, Depends(optional_user)]) -> Caller:
    if user is None:
        message = "sign in first: POST /api/v1/auth/token, or join a class with its code (POST /api/v1/join)"
        if connection.scope["type"] == "websocket":
            raise WebSocketException(CLOSE_UNAUTHORIZED, close_reason(message))
        raise Unauthorized(message)
    return user


async def returning_user(services: AppServices, token: BearerToken) -> Caller | None:
    """Like optional_user, but a stale sign-in counts as none (joining again must work with an expired cookie)."""
    if token is None or services.settings.auth == "none":
        return None
    try:
        return await services.accounts.caller(token)
    except Unauthorized:
        return None


def at_least(role: str):
    """A dependency for a route above a student: 403 for a caller below `role`."""
    async def gate(caller: Annotated[Caller, Depends(current_user)]) -> Caller:
        if not caller.at_least(role):
            raise Forbidden(f"this needs an {role}'s account")
        return caller
    return gate


async def accounts_on(services: AppServices) -> None:
    """Signing in and joining exist only on a server with accounts."""
    if services.settings.auth == "none":
        raise NotFound("this server has no accounts (PLAYGROUND_AUTH=none): everyone is its one local user")


Runs = Annotated[RunService, Depends(get_runs)]
Reads = Annotated[Queries, Depends(get_queries)]
Streams = Annotated[StreamService, Depends(get_streams)]
Walls = Annotated[WallService, Depends(get_walls)]
ServerLimits = Annotated[Limits, Depends(get_limits)]
Accounting = Annotated[Accounts, Depends(get_accounts)]
ClassBook = Annotated[Classes, Depends(get_classes)]
AssignmentBook = Annotated[Assignments, Depends(get_assignments)]
Datasets = Annotated[DatasetBook, Depends(get_datasets)]
Owner = Annotated[Caller, Depends(current_user)]  # the caller; runs they create are theirs
Returning = Annotated[Caller | None, Depends(returning_user)]
Instructor = Annotated[Caller, Depends(at_least("instructor"))]
