"""Route dependencies: the services the app factory built, and the current user."""
from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from ..db.models import LOCAL_USER
from ..services.runs import RunService


def get_runs(request: Request) -> RunService:
    return request.app.state.services.runs


def current_user() -> str:
    """Embedded mode has one user; accounts will replace this one function."""
    return LOCAL_USER


Runs = Annotated[RunService, Depends(get_runs)]
Owner = Annotated[str, Depends(current_user)]
