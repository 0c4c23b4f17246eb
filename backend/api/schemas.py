"""Request and response bodies of the REST API (the spec itself lives in workers.engine.spec)."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Annotated, Literal

from pydantic import (AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, PrivateAttr, RootModel,
                      StringConstraints, TypeAdapter, ValidationError, computed_field, field_serializer,
                      field_validator, model_validator)
from pydantic_core import InitErrorDetails, PydanticCustomError

from workers.engine import ACTIONS, Spec
from workers.engine.control import LIVE_PATHS, PARAMETER_PATHS, SET, parameter_at
from workers.engine.claims import Claim
from workers.engine.optim_spec import Rate
from workers.engine.spec import Penalty
from workers.engine.status import STATUSES
from workers.engine.topics import TOPICS, chapter_of

from ..services.leaderboard import METRICS, metric_for

METRICS_BY_NAME = {metric.name: metric for metric in METRICS.values()}


class RunCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    spec: Spec
    name: Annotated[str, Field(max_length=200)] | None = None
    assignment: Annotated[str, Field(max_length=64)] | None = Field(
        None, description="The id of an assignment of one of your classes this run is for: the spec must keep "
        "the assignment's locked settings (422 naming each it changes), and the run counts on its leaderboard.")


class RunRename(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] | None = Field(
        description="The run's new name; null or empty: it is named by its settings again.")


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
    assignment: str | None = Field(None, validation_alias="assignment_id",
                                   description="The assignment this run was made for, if any.")

    @field_validator("spec")
    @classmethod
    def _without_points(cls, spec: dict) -> dict:
        """A run on an uploaded dataset keeps its points in data.table for its worker; the answer leaves them
        out (data.dataset names them), so that a list of runs stays small and the spec can be sent again."""
        return without_points(spec)


# A weight's or bias's new value: any finite number (control.PARAMETER_PATHS; the service checks the place).
_PARAMETER_VALUES = TypeAdapter(dict[str, Annotated[float, Field(strict=True, allow_inf_nan=False)]])


class LiveValues(BaseModel):
    """What a live `set` may change (workers.engine.control.LIVE_PATHS), by dotted spec path, each within
    what its spec field allows, and single weights and biases of a 2-D network (`weights.L.O.I`,
    `biases.L.U`: the service checks them against the run's network); any other path is refused, named."""
    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False, json_schema_extra={
        "patternProperties": {r"^weights\.\d+\.\d+\.\d+$": {"type": "number"},
                              r"^biases\.\d+\.\d+$": {"type": "number"}}})
    lr: Rate | None = Field(None, alias="train.optimizer.lr")
    l1: Penalty | None = Field(None, alias="train.l1")
    l2: Penalty | None = Field(None, alias="train.l2")
    batch_size: Annotated[int, Field(ge=1)] | None = Field(None, alias="train.batch_size")
    _parameters: dict[str, float] = PrivateAttr(default_factory=dict)

    @model_validator(mode="wrap")
    @classmethod
    def _name_what_cannot_change(cls, values, handler):
        """An unknown path is an error at that path, saying what can change instead; the weight and bias
        paths are checked apart (each error still at its path)."""
        edits = {p: v for p, v in values.items() if parameter_at(p)} if isinstance(values, dict) else {}
        errors = []
        try:
            model = handler({k: v for k, v in values.items() if k not in edits} if edits else values)
        except ValidationError as error:
            live = ", ".join((*LIVE_PATHS, *PARAMETER_PATHS))
            errors = [InitErrorDetails(type=PydanticCustomError(
                "not_live", "{path} cannot change during a run; these can: {live}", {"path": e["loc"][-1],
                                                                                      "live": live}),
                loc=e["loc"], input=e["input"]) if e["type"] == "extra_forbidden" else e for e in error.errors()]
        try:
            parameters = _PARAMETER_VALUES.validate_python(edits)
        except ValidationError as error:
            errors += error.errors()
        if errors:
            raise ValidationError.from_exception_data(cls.__name__, errors) from None
        model._parameters = parameters
        if not model.changes():
            raise ValueError("values must name at least one setting to change")
        return model

    def changes(self) -> dict:
        return {**self.model_dump(by_alias=True, exclude_none=True), **self._parameters}


class ControlIn(BaseModel):
    """An action; `set` carries the values it changes, from the run's next step on."""
    model_config = ConfigDict(extra="forbid")
    action: Literal[(*ACTIONS, SET)]  # type: ignore[valid-type]
    values: LiveValues | None = Field(None, description="set only: {dotted spec path: new value}")

    @model_validator(mode="after")
    def _values_with_set(self) -> "ControlIn":
        if (self.action == SET) != (self.values is not None):
            raise ValueError("values come with the set action, and only with it")
        return self


class Health(BaseModel):
    status: Literal["ok", "unavailable"] = Field(description="ok (200) when every dependency answers, else "
                                                             "unavailable (503)")
    runner: Literal["local", "celery"]
    database: Literal["sqlite", "postgresql"]
    device: str
    checks: dict[str, Literal["ok", "unreachable"]] = Field(
        description="Each dependency checked: `database`, and `redis` in distributed mode.")
    detail: str | None = Field(None, description="With a 503: what is down.")


class Comparison(BaseModel):
    title: str = Field(description="What the second run changes.")
    spec: dict = Field(description="The second spec: the lesson's, changed where it says.")


TopicId = Literal[tuple(TOPICS)]  # type: ignore[valid-type]


class Chapter(BaseModel):
    number: int = Field(description="The chapter's place in the course, from 1.")
    title: str


class Preset(BaseModel):
    name: str
    title: str
    description: str
    topics: list[TopicId] = Field(min_length=1, description="The course topics it teaches; the first is its main "
                                  "one, whose chapter is the lesson's.")
    claim: Claim = Field(description="What the lesson shows, machine-checkable (bench/lessons.py checks it).")
    spec: dict
    compare: Comparison | None = Field(None, description="A lesson that contrasts two settings: the other one.")

    @computed_field  # type: ignore[prop-decorator]
    @property
    def chapter(self) -> Chapter:
        """The course chapter of its main topic: the page's lesson index groups by it."""
        number, title = chapter_of(self.topics)
        return Chapter(number=number, title=title)


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


DottedPath = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


def without_points(spec: dict) -> dict:
    """A stored spec as answers show it: without an uploaded dataset's points (data.table)."""
    if spec.get("data", {}).get("table") is None:
        return spec
    return {**spec, "data": {key: value for key, value in spec["data"].items() if key != "table"}}


class AssignmentIn(BaseModel):
    """A lesson (`preset`) or a whole spec (`spec`, e.g. the page's current settings), never both."""
    model_config = ConfigDict(extra="forbid")
    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    preset: Annotated[str, Field(max_length=100)] | None = Field(None, description="A lesson's name (GET /presets).")
    spec: Spec | None = None
    locked: Annotated[list[DottedPath], Field(max_length=100)] = Field(
        [], description="Dotted spec paths a student's run must leave as the assignment has them: "
        "`train.optimizer.lr`, `data.dataset`, `model.layers` (the whole stack), `model.layers.0.units`.")
    due: AwareDatetime | None = Field(None, description="When it is due, with its time zone (`2026-12-10T15:00:00Z`, "
                                      "`...+01:00`). Runs after it are accepted and marked late.")


class DatasetOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    name: str = Field(description="What `data.dataset` names it by in a spec.")
    kind: Literal["2d"] = Field("2d", description="Points, as the built-in 2-D datasets are.")
    task: Literal["classification", "regression"]
    n_samples: int = Field(description="Its rows: every run on it trains and tests on all of them.")
    columns: list[str] = Field(description="The feature columns, in the file's order: the network's inputs.")
    target: str = Field(description="The label (classification) or target (regression) column.")
    classes: list[str] | None = Field(description="Classification: the labels, class 0 first; else null.")
    created_at: UtcTime

    @model_validator(mode="before")
    @classmethod
    def _from_row(cls, row):
        if hasattr(row, "table"):
            table = row.table
            return {"name": row.name, "task": row.task, "n_samples": row.n_samples, "columns": table["columns"],
                    "target": table["target"], "classes": table.get("classes"), "created_at": row.created_at}
        return row


class AssignmentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: str
    class_id: str
    title: str
    preset: str | None = Field(description="The lesson it was made from; null when made from a spec.")
    spec: dict = Field(description="The whole spec, every default filled in: load it, then play.")
    locked: list[str]
    due: UtcTime = Field(validation_alias="due_at")
    created_at: UtcTime

    @field_serializer("spec")
    def _without_points(self, spec: dict) -> dict:
        """An assignment on an uploaded dataset keeps a copy of its points for its students' runs; the answer
        leaves them out, as a run's does (the students train on them but do not read them)."""
        return without_points(spec)

    @computed_field(description="The instructor's uploaded dataset it trains on, described as GET /datasets "
                    "describes one (its columns and labels, never its rows); null for a built-in dataset.")
    @property
    def dataset(self) -> DatasetOut | None:
        table = self.spec.get("data", {}).get("table")
        if table is None:
            return None
        return DatasetOut(name=self.spec["data"]["dataset"], task=table["task"], n_samples=len(table["x"]),
                          columns=table["columns"], target=table["target"], classes=table.get("classes"),
                          created_at=self.created_at)

    @computed_field(description="What the leaderboard ranks by: test_accuracy (higher is better) for "
                    "classification, test_loss (lower is better) for regression.")
    @property
    def metric(self) -> Literal[tuple(METRICS_BY_NAME)]:  # type: ignore[valid-type]
        return metric_for(self.spec).name


class Standing(BaseModel):
    """A student's best run of an assignment (see docs/classroom.md for what counts)."""
    model_config = ConfigDict(from_attributes=True)
    rank: int = Field(description="1 is the best; ties go to the earlier run.")
    user: str = Field(description="The student's name, as they joined.")
    user_id: str
    run: str = Field(description="The id of their best run.")
    score: float = Field(description="Its value of `metric`.")
    metric: Literal[tuple(METRICS_BY_NAME)]  # type: ignore[valid-type]
    late: bool = Field(description="Their best run was submitted after the due time (they had none before it).")
    runs: int = Field(description="How many runs of the assignment they have submitted (and not deleted).")
    submitted_at: UtcTime
    finished_at: UtcTime


Series = list[float | None]  # one value per metrics event; null where it was not finite (a diverging run) or absent


class MetricHistory(RootModel[dict[str, Series | dict[str, Series]]]):
    """GET /runs/{id}/metrics: one series per metric name (`epoch` and `step` included, one entry per metrics
    event), and per layer for the per-layer norms (`grad_norms`: {layer: series})."""
