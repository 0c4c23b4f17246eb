"""`latent` events: where an autoencoder puts a fixed sample of test images in its code space, with their labels.

A code of two units is drawn as it is; a wider one is projected onto its first two principal components
(the course's note: an autoencoder's code is a learned, nonlinear cousin of PCA). The projection is computed
per frame from the sample's codes (projection.PrincipalPlane: the signs of its axes are kept between frames).
"""
from __future__ import annotations

from typing import Annotated, Literal

import torch
from pydantic import Field

from ..events import tensor
from .base import Cadence, Probe, Storage
from .payload import Payload, Tensor
from .projection import PrincipalPlane


class LatentData(Payload):
    """`data` of a `latent` event (autoencoders): the codes of a fixed sample of test images, in 2-D."""

    points: Tensor = Field(description="float32 n×d: each image's code (d = 1 or 2: the code itself), or its first "
                           "two principal components (d = 2).")
    labels: list[Annotated[int, Field(ge=0)]] = Field(description="Each image's class index, in the same order.")
    classes: list[str] = Field(description="The class names, by index.")
    projection: Literal["code", "pca"] = Field(description="`code`: the points are the codes themselves; `pca`: "
                                               "their projection onto the first two principal components.")
    code_units: int = Field(ge=1, description="The bottleneck's width.")
    explained: list[float] = Field(None, description="pca only: the share of the codes' variance along "
                                          "each axis.")


PROBE = Probe("latent", LatentData, Cadence.FRAME, Storage.LATEST,
              "The codes of a fixed sample of test images, in 2-D, coloured by label (autoencoders).")

LATENT_POINTS = 300  # test images in the scatter: enough to see the clusters, a few KB a frame


class LatentProbe:
    """The latent view of a fixed sample: the first LATENT_POINTS images of the test split."""

    def __init__(self, inputs: torch.Tensor, labels: torch.Tensor, classes: list[str]):
        self.inputs, self.labels, self.classes = inputs[:LATENT_POINTS], labels[:LATENT_POINTS], classes
        self.plane = PrincipalPlane()

    @torch.no_grad()
    def event(self, encode) -> dict | None:
        codes = encode(self.inputs).float()  # (n, d)
        if not torch.isfinite(codes).all():
            return None
        d = codes.shape[1]
        data = {"labels": self.labels.tolist(), "classes": self.classes, "code_units": d}
        if d <= 2:
            return {**data, "points": tensor(codes, "float32"), "projection": "code"}
        points, explained = self.plane.project(codes)
        return {**data, "points": tensor(points, "float32"), "projection": "pca", "explained": explained}
