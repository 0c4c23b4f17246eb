"""Projecting n points of d dimensions onto their first two principal components, frame after frame.

The principal directions come from an SVD of the centred n×d matrix (n and d small: a few hundred codes, a
vocabulary's embeddings). An SVD may return a direction or its opposite, so each axis keeps the sign it had
in the frame before: the picture does not flip while the basis barely moves. Shared by the `latent` and
`embeddings` probes.
"""
from __future__ import annotations

import torch


class PrincipalPlane:
    """The plane of the first two principal components of each frame's points, with signs kept between frames."""

    def __init__(self):
        self.axes: torch.Tensor | None = None  # (2, d): the last frame's principal directions

    def project(self, points: torch.Tensor) -> tuple[torch.Tensor, list[float]]:
        """(n, d) points, d ≥ 2 → their (n, 2) coordinates on the plane, and each axis's share of the variance."""
        centred = points - points.mean(dim=0)
        _, singular, vh = torch.linalg.svd(centred, full_matrices=False)  # vh: (min(n, d), d), rows by variance
        axes = vh[:2]
        if self.axes is not None and self.axes.shape == axes.shape:  # keep each axis pointing the way it did
            axes = axes * torch.where((axes * self.axes).sum(dim=1, keepdim=True) < 0, -1.0, 1.0)
        self.axes = axes
        variance = singular.square()
        explained = (variance[:2] / variance.sum().clamp_min(1e-12)).tolist()
        return centred @ axes.T, [round(share, 4) for share in explained]
