"""Request and response bodies of the REST API (the spec itself lives in workers.engine.spec)."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, RootModel, StringConstraints

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


class TokenOut(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"


class ClassRef(BaseModel):
    id: str
    name: str


class Me(BaseModel):
    id: str
    name: str
    role: Literal["student", "instructor", "admin"]
    classes: list[ClassRef] = Field(description="The classes the caller teaches, and those they joined.")


class JoinIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: Annotated[str, Field(min_length=1, max_length=32, description="The class's join code (any case).")]
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
                    Field(description="The name the teacher will see.")]


class Joined(TokenOut):
    user: Me


class ClassIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class ClassOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: str
    name: str
    join_code: str | None = Field(description="What students type to join; null while the class is closed.")
    created_at: UtcTime


Series = list[float | None]  # one value per metrics event; null where it was not finite (a diverging run) or absent


class MetricHistory(RootModel[dict[str, Series | dict[str, Series]]]):
    """GET /runs/{id}/metrics: one series per metric name (`epoch` and `step` included, one entry per metrics
    event), and per layer for the per-layer norms (`grad_norms`: {layer: series})."""
