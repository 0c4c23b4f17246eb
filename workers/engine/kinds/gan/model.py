"""The GAN's two networks, both the 2-D datasets' multi-layer perceptron: G maps noise z (noise_dim) to a
point (2); D maps a point (2) to one logit, the log-odds that it is real."""
from __future__ import annotations

import torch
import torch.nn.functional as F

from ..points.model import MLP


def generator(noise_dim: int, layers: list[dict]) -> MLP:
    return MLP(noise_dim, layers, 2)


def discriminator(layers: list[dict]) -> MLP:
    return MLP(2, layers, 1)


def discriminator_loss(real_logits: torch.Tensor, fake_logits: torch.Tensor) -> torch.Tensor:
    """−log D(x) − log(1 − D(G(z))), each averaged: binary cross-entropy with real as 1, generated as 0."""
    return (F.binary_cross_entropy_with_logits(real_logits, torch.ones_like(real_logits))
            + F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits)))


def generator_loss(fake_logits: torch.Tensor, loss: str) -> torch.Tensor:
    """non_saturating: −log D(G(z)); minimax: log(1 − D(G(z))) (which is −softplus of the logit)."""
    if loss == "non_saturating":
        return F.binary_cross_entropy_with_logits(fake_logits, torch.ones_like(fake_logits))
    return -F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits))


def energy_distance(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """2·E|X − Y| − E|X − X'| − E|Y − Y'| of two samples (n, 2), (m, 2): 0 exactly when the distributions
    are the same, growing as they part (Székely's energy distance, in the plane's units)."""
    return 2 * torch.cdist(a, b).mean() - torch.cdist(a, a).mean() - torch.cdist(b, b).mean()


def modes_covered(fake: torch.Tensor, centres: torch.Tensor, radius: float, share: float) -> int:
    """How many modes (centres (K, 2)) hold at least `share` of their fair part (n / K) of the generated points
    within `radius` of their centre."""
    distance = torch.cdist(fake, centres)  # (n, K)
    nearest, which = distance.min(dim=1)
    counts = torch.bincount(which[nearest <= radius], minlength=len(centres))
    return int((counts >= share * len(fake) / len(centres)).sum())
