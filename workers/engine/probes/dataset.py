"""`dataset` events for 2-D data: the training and test points to draw, once as training starts."""
from __future__ import annotations

from typing import Literal

from pydantic import Field

from ..events import tensor
from ..kinds.points.datasets import EXTENT, Split
from .base import Cadence, Probe, Storage
from .payload import Extent, Payload, Tensor


class DatasetSplit(Payload):
    """The points of one split."""

    points: Tensor = Field(description="float32 N×2: (x1, x2) on the plane.")
    labels: Tensor = Field(description="float32 N: classes 0..k-1 (0/1 for two), or regression targets.")


class DatasetData(Payload):
    """`data` of a `dataset` event: the points to draw, sent once as training starts (2-D data, visuals on)."""

    extent: Extent = Field(description="[xmin, xmax, ymin, ymax] of the plane.")
    task: Literal["classification", "regression"]
    classes: int = Field(None, ge=2, description="Only with more than two classes: how many (k).")
    axes: list[str] = Field(None, description="Only for an uploaded dataset: the feature columns on x and y, "
                            "standardised (the points' coordinates are their z-scores).")
    labels: list[str] = Field(None, description="Only for an uploaded classification dataset: class i's label.")
    train: DatasetSplit
    test: DatasetSplit


PROBE = Probe("dataset", DatasetData, Cadence.START, Storage.LATEST,
              "The training and test points, once as training starts.")


def dataset_event_data(task: str, train: Split, test: Split, classes: int = 2, table_plane=None,
                       labels: list[str] | None = None) -> dict:
    """The points to draw; an uploaded dataset's `table_plane` (kinds/points/table.py) gives the extent and
    the axes' names, `labels` its class labels."""
    def part(split: Split) -> dict:
        return {"points": tensor(split.points, "float32"), "labels": tensor(split.labels, "float32")}
    extent = table_plane.extent if table_plane is not None else EXTENT
    data = {"extent": list(extent), "task": task, "train": part(train), "test": part(test)}
    if classes > 2:  # two-class events stay as they were
        data["classes"] = classes
    if table_plane is not None:
        data["axes"] = list(table_plane.names)
        if labels:
            data["labels"] = list(labels)
    return data
