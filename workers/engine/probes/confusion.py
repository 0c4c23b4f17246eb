"""`confusion` events: the test split's confusion matrix, once when a classification run ends."""
from __future__ import annotations

from typing import Annotated

import torch
from pydantic import Field

from ..kinds.points.model import MLP
from ..losses import Head
from .base import Cadence, Probe, Storage
from .payload import Payload


class ConfusionData(Payload):
    """`data` of a `confusion` event: the test split, rows the true class, columns the predicted one."""

    labels: list[str] = Field(description="The class names, in row (and column) order: `0`, `1` for 2-D data, "
                              "the dataset's classes for images.")
    matrix: list[list[Annotated[int, Field(ge=0)]]] = Field(description="Counts: matrix[true][predicted].")


PROBE = Probe("confusion", ConfusionData, Cadence.END, Storage.WHOLE,
              "The test split's confusion matrix, once when a classification run ends.")


def confusion(head: Head, model: MLP, inputs: torch.Tensor, labels: torch.Tensor,
              names: list[str] | None = None) -> dict:
    """`confusion` data: rows are true classes, columns predicted ones, over the given split; the classes are
    0 .. k-1 unless `names` (an uploaded dataset's labels) names them."""
    with torch.inference_mode():
        predicted = head.predict(model(inputs))
    return confusion_matrix(labels.long(), predicted, names or [str(c) for c in range(max(head.n_classes, 2))])


def confusion_matrix(truth: torch.Tensor, predicted: torch.Tensor, names: list[str]) -> dict:
    """`confusion` data from class indices (N,) and (N,): matrix[true][predicted] counts."""
    k = len(names)
    counts = torch.bincount((truth * k + predicted).cpu(), minlength=k * k)
    return {"labels": names, "matrix": counts.reshape(k, k).tolist()}
