"""`samples` events (GANs): real and generated points, and the discriminator's output over the plane, as GAN
Lab draws them. The generated points come from the same noise every frame, so each one moves smoothly as
the generator learns."""
from __future__ import annotations

import torch
from pydantic import Field

from ..events import quantized, tensor
from .base import Cadence, Probe, Storage
from .payload import Extent, Payload, Tensor

SAMPLE_POINTS = 300  # real and generated points per frame: 1.2 KB each as float16


class SamplesData(Payload):
    """`data` of a `samples` event (GAN datasets). Row 0 of the discriminator's grid is the top of the plane
    (ymax), column 0 is xmin, as in `boundary`."""

    extent: Extent = Field(description="[xmin, xmax, ymin, ymax] of the plane the grid covers.")
    real: Tensor = Field(description="float16 n×2: training points of the target distribution (the same ones "
                         "every frame).")
    fake: Tensor = Field(description="float16 n×2: the generator's points G(z), for the same noise z every frame.")
    discriminator: Tensor = Field(description="uint8 G×G (G = stream.grid), min 0 and max 1: D(x), the "
                                  "discriminator's probability that a point there is real.")


PROBE = Probe("samples", SamplesData, Cadence.FRAME, Storage.LATEST,
              "A frame of a GAN: real and generated points over the discriminator's field, at most "
              "stream.max_fps a second.")


def samples_data(real: torch.Tensor, fake: torch.Tensor, field: torch.Tensor, extent) -> dict | None:
    """The `samples` data of real (n, 2) and generated (n, 2) points and D's probabilities (G, G); None where
    not finite (the run is diverging)."""
    if not (torch.isfinite(fake).all() and torch.isfinite(field).all()):
        return None
    return {"extent": list(extent), "real": tensor(real), "fake": tensor(fake.clamp(-6e4, 6e4)),
            "discriminator": quantized(field, 0.0, 1.0)}
