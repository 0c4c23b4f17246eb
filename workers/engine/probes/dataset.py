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
    labels: Tensor = Field(description="float32 N: 0/1 classes, or regression targets.")


class DatasetData(Payload):
    """`data` of a `dataset` event: the points to draw, sent once as training starts (2-D data, visuals on)."""

    extent: Extent = Field(description="[xmin, xmax, ymin, ymax] of the plane.")
    task: Literal["classification", "regression"]
    train: DatasetSplit
    test: DatasetSplit


PROBE = Probe("dataset", DatasetData, Cadence.START, Storage.LATEST,
              "The training and test points, once as training starts.")


def dataset_event_data(task: str, train: Split, test: Split) -> dict:
    def part(split: Split) -> dict:
        return {"points": tensor(split.points, "float32"), "labels": tensor(split.labels, "float32")}
    return {"extent": list(EXTENT), "task": task, "train": part(train), "test": part(test)}
