"""Image data on its way to the network: split, resampled to data.image_size, and augmented per batch."""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch
from torch.nn import functional as F

from .datasets import IMAGE_DATASETS


@dataclass(frozen=True)
class ImageSplit:
    images: np.ndarray  # (N, C, H, W) float32 in [0, 1]
    labels: np.ndarray  # (N,) int64 class indices


def resize(images: np.ndarray, size: int) -> np.ndarray:
    """(N, C, h, w) -> (N, C, size, size), bilinear (antialiased when shrinking), kept in [0, 1]."""
    if images.shape[-1] == size and images.shape[-2] == size:
        return images
    out = F.interpolate(torch.from_numpy(images), size=(size, size), mode="bilinear", align_corners=False,
                        antialias=size < images.shape[-1])
    return out.clamp_(0, 1).numpy()


def make_images(name: str, n_samples: int, noise: float, test_fraction: float, seed: int,
                image_size: int | None = None) -> tuple[ImageSplit, ImageSplit]:
    """Generate (or pick), shuffle and split an image dataset; deterministic for a seed."""
    rng = np.random.default_rng(seed)
    images, labels = IMAGE_DATASETS[name].generate(n_samples, noise, rng)
    order = rng.permutation(n_samples)
    images, labels = images[order], labels[order]
    if image_size:
        images = resize(images, image_size)
    n_train = n_samples - int(round(n_samples * test_fraction))
    return ImageSplit(images[:n_train], labels[:n_train]), ImageSplit(images[n_train:], labels[n_train:])


# -- augmentation -----------------------------------------------------------------------------------------


def augment(images: torch.Tensor, shift: int, flip: bool, rotate: float, noise: float,
            generator: torch.Generator) -> torch.Tensor:
    """Randomly changed copies of a training batch (B, C, H, W): new draws on every call.

    A left-right flip with probability ½, a rotation by up to ±`rotate` degrees and a shift by up to
    ±`shift` whole pixels (one resampling, zeros coming in at the edges), then Gaussian pixel noise.
    """
    batch, device = images.shape[0], images.device

    def uniform(*shape: int) -> torch.Tensor:  # in [-1, 1)
        return torch.rand(shape, generator=generator, device=device) * 2 - 1

    if flip:
        mirrored = torch.rand(batch, generator=generator, device=device) < 0.5
        images = torch.where(mirrored[:, None, None, None], images.flip(-1), images)
    if rotate > 0 or shift > 0:
        angle = uniform(batch) * math.radians(rotate)  # (B,)
        moved = torch.randint(-shift, shift + 1, (batch, 2), generator=generator, device=device).float()
        cos, sin = torch.cos(angle), torch.sin(angle)
        height, width = images.shape[-2:]
        # affine_grid maps each output pixel to where it samples the input, in [-1, 1] coordinates.
        theta = torch.stack([torch.stack([cos, -sin, -2 * moved[:, 0] / width], dim=1),
                             torch.stack([sin, cos, -2 * moved[:, 1] / height], dim=1)], dim=1)  # (B, 2, 3)
        grid = F.affine_grid(theta, list(images.shape), align_corners=False)
        images = F.grid_sample(images, grid, mode="bilinear", padding_mode="zeros", align_corners=False)
    if noise > 0:
        images = (images + noise * torch.randn(images.shape, generator=generator, device=device)).clamp(0, 1)
    return images
