"""An uploaded dataset's points as a spec carries them (data.table), torch- and numpy-free: the spec side.

The server fills data.table from the caller's dataset (POST /datasets) when data.dataset names one, so a
worker in either mode trains on it without reaching the database; a client leaves it out.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import Field, model_validator

from ...schema import Strict
from .datasets import MAX_CLASSES, MIN_CLASSES

# An uploaded dataset's name: never one of the built-in names (the server refuses those), safe in a URL path.
UPLOAD_NAME = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"
UploadName = Annotated[str, Field(pattern=UPLOAD_NAME)]


class Table(Strict):
    """The points of an uploaded dataset: a row of feature values and a label or target each."""
    columns: list[str] = Field(min_length=2, description="the feature columns, in the file's order")
    target: str = Field(description="the label or target column's name")
    task: Literal["classification", "regression"]
    classes: list[str] | None = Field(None, description="classification: the labels, class i being classes[i]")
    x: list[list[float]] = Field(min_length=4, description="one row of feature values per point")
    y: list[float] = Field(min_length=4, description="per point: its class index, or its target value")
    rows_withheld: bool = Field(False, description="the rows are not the run's owner's to read (an assignment's "
                                "dataset, uploaded by its instructor): a training script of the run leaves them out")

    @model_validator(mode="after")
    def _consistent(self) -> Table:
        if len(self.x) != len(self.y) or any(len(row) != len(self.columns) for row in self.x):
            raise ValueError("every row of x needs one value per column, and y one value per row")
        if self.task == "classification":
            k = len(self.classes or [])
            if not MIN_CLASSES <= k <= MAX_CLASSES:
                raise ValueError(f"classification needs {MIN_CLASSES} to {MAX_CLASSES} classes")
            if any(not float(v).is_integer() or not 0 <= v < k for v in self.y):
                raise ValueError("y holds class indices, 0 to len(classes) - 1")
        elif self.classes is not None:
            raise ValueError("a regression table has no classes")
        return self


def axes_of(table: Table, axes: list[str] | None) -> tuple[int, int]:
    """The indices of the two feature columns drawn on the plane (data.axes; None: the first two)."""
    names = axes or table.columns[:2]
    return table.columns.index(names[0]), table.columns.index(names[1])


@dataclass(frozen=True)
class Uploaded:
    """An uploaded dataset's record, as the built-in ones lead theirs: kind, task, description."""
    kind: str
    task: str
    description: str
    classes: None = None  # data.classes is for the generated k-class datasets

    @classmethod
    def of(cls, table: Table) -> Uploaded:
        return cls("2d", table.task, f"uploaded: {len(table.x)} rows, features {', '.join(table.columns)}, "
                   f"{table.task} of {table.target}")
