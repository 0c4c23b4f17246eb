"""Route dependencies: the one place routes and sockets get the caller and the services from.

Every route and the websocket take these as parameters (`Annotated[..., Depends(...)]`), never from
the app's state, so accounts replace `current_user` alone (or a test overrides it) and every query
stays scoped to whoever it names.
"""
from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from fastapi.requests import HTTPConnection

from workers.engine import Limits

from ..services.container import EMBEDDED_USER, Services
from ..services.queries import Queries
from ..services.runs import RunService
from ..services.stream import StreamService


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


def get_limits(services: AppServices) -> Limits:
    return services.settings.limits


def current_user() -> str:
    """Embedded mode has one user; accounts will replace this one function."""
    return EMBEDDED_USER


Runs = Annotated[RunService, Depends(get_runs)]
Reads = Annotated[Queries, Depends(get_queries)]
Streams = Annotated[StreamService, Depends(get_streams)]
ServerLimits = Annotated[Limits, Depends(get_limits)]
Owner = Annotated[str, Depends(current_user)]
