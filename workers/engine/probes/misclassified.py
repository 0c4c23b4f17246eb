"""`misclassified` events: the test images the network gets most confidently wrong, with what it said."""
from __future__ import annotations

from typing import Annotated

import torch
from pydantic import Field

from ..events import quantized
from .base import Cadence, Probe, Storage
from .payload import Payload, Tensor


class MisclassifiedData(Payload):
    """`data` of a `misclassified` event (image data): the test images the network is surest about and wrong."""

    count: int = Field(ge=0, description="How many test images it gets wrong.")
    total: int = Field(ge=0, description="How many test images there are.")
    indices: list[Annotated[int, Field(ge=0)]] = Field(description="Their positions in the test split, the "
                                                       "surest mistake first (at most 8).")
    images: Tensor = Field(description="uint8 n×C×H×W, min 0 and max 1.")
    true: list[str] = Field(description="Each image's true class.")
    predicted: list[str] = Field(description="The class the network gives it.")
    confidence: list[float] = Field(description="The softmax probability of that predicted class.")


PROBE = Probe("misclassified", MisclassifiedData, Cadence.MEASUREMENT, Storage.LATEST,
              "The surest mistakes on the test split, after a measurement (at most stream.max_fps a second) "
              "and at the end.")

MISCLASSIFIED_IMAGES = 8


def misclassified_event(images: torch.Tensor, labels: torch.Tensor, outputs: torch.Tensor,
                        classes: list[str]) -> dict:
    """From the test split's images (N, C, H, W), labels (N,) and the network's outputs (N, K)."""
    probabilities = torch.softmax(outputs.float(), dim=1)
    confidence, predicted = probabilities.max(dim=1)
    wrong = (predicted != labels).nonzero().flatten()
    worst = wrong[confidence[wrong].argsort(descending=True)[:MISCLASSIFIED_IMAGES]]  # the surest mistakes
    return {
        "count": len(wrong),
        "total": len(labels),
        "indices": worst.tolist(),
        "images": quantized(images[worst], 0.0, 1.0),  # (n, C, H, W)
        "true": [classes[c] for c in labels[worst].tolist()],
        "predicted": [classes[c] for c in predicted[worst].tolist()],
        "confidence": [round(float(p), 4) for p in confidence[worst]],
    }
