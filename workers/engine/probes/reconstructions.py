"""`reconstructions` events: a few fixed test images beside what the autoencoder makes of them."""
from __future__ import annotations

import torch
from pydantic import Field

from ..events import quantized
from .base import Cadence, Probe, Storage
from .payload import Payload, Tensor


class ReconstructionsData(Payload):
    """`data` of a `reconstructions` event (autoencoders): fixed test inputs and their reconstructions."""

    inputs: Tensor = Field(description="uint8 n×C×H×W, min 0 and max 1: what the network is given (with the "
                           "test noise, when model.autoencoder has one).")
    outputs: Tensor = Field(description="uint8 n×C×H×W, min 0 and max 1: its reconstructions.")
    clean: Tensor = Field(None, description="Only when the inputs are noisy: the clean images, the "
                                 "targets.")
    labels: list[str] = Field(description="Each image's class.")


PROBE = Probe("reconstructions", ReconstructionsData, Cadence.FRAME, Storage.LATEST,
              "A few fixed test images and the autoencoder's reconstructions of them.")

RECONSTRUCTIONS = 10  # images shown: the first test image of each class, up to this many


def chosen(labels: torch.Tensor) -> torch.Tensor:
    """The indices of the first test image of each class, class order, at most RECONSTRUCTIONS."""
    firsts = [int((labels == c).nonzero()[0]) for c in labels.unique().tolist()]
    return torch.tensor(firsts[:RECONSTRUCTIONS], dtype=torch.long, device=labels.device)


def reconstructions_event(inputs: torch.Tensor, outputs: torch.Tensor, clean: torch.Tensor | None,
                          labels: list[str]) -> dict | None:
    """From the chosen images (n, C, H, W) and their reconstructions (in [0, 1], after the output activation)."""
    if not torch.isfinite(outputs).all():
        return None
    data = {"inputs": quantized(inputs, 0.0, 1.0), "outputs": quantized(outputs.clamp(0, 1), 0.0, 1.0),
            "labels": labels}
    if clean is not None:
        data["clean"] = quantized(clean, 0.0, 1.0)
    return data
