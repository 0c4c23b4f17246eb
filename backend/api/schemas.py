"""Request and response bodies of the REST API (the spec itself lives in workers.engine.spec)."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from workers.engine import ACTIONS, Spec
from workers.engine.status import STATUSES


class RunCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    spec: Spec
    name: Annotated[str, Field(max_length=200)] | None = None


def _utc(moment: datetime | None) -> datetime | None:
    """SQLite forgets time zones; every time we store is UTC."""
    return moment.replace(tzinfo=timezone.utc) if moment and moment.tzinfo is None else moment


UtcTime = Annotated[datetime | None, AfterValidator(_utc)]


class RunOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: str
    name: str | None
    status: Literal[STATUSES]  # type: ignore[valid-type]
    spec: dict
    created_at: UtcTime
    started_at: UtcTime
    finished_at: UtcTime
    summary: dict | None
    error: str | None
    attempt: int
    device: str | None


class ControlIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    action: Literal[ACTIONS]  # type: ignore[valid-type]


class Health(BaseModel):
    status: Literal["ok"]
    runner: Literal["local", "celery"]
    database: Literal["sqlite", "postgresql"]
    device: str


class Comparison(BaseModel):
    title: str = Field(description="What the second run changes.")
    spec: dict = Field(description="The second spec: the lesson's, changed where it says.")


class Preset(BaseModel):
    name: str
    title: str
    description: str
    spec: dict
    compare: Comparison | None = Field(None, description="A lesson that contrasts two settings: the other one.")
