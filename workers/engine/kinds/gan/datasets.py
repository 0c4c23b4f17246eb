"""The GAN's target distributions: 2-D point clouds the generator learns to imitate, after GAN Lab's.

Points live in the 2-D datasets' plane, [-6, 6]², so the discriminator's field is drawn over the same
extent. Each generator is a pure function of (n, noise, rng); `noise` is the spread of each part of the
distribution (the standard deviation of a mode, or the jitter of a curve). A distribution of separate modes
(ring, grid) lists their centres: the modes a generator covers are counted from them (metrics.modes_covered).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np

EXTENT = (-6.0, 6.0, -6.0, 6.0)  # xmin, xmax, ymin, ymax: the 2-D datasets' plane
RING_RADIUS, RING_MODES = 4.0, 8
GRID_SPACING, GRID_SIDE = 3.0, 3


@dataclass(frozen=True)
class Distribution:
    kind: str  # always "gan"; every kind's dataset record leads with kind, task and description
    task: str  # always "generation": no labels to predict, a distribution to imitate
    generate: Callable[[int, float, np.random.Generator], np.ndarray]  # (n, noise, rng) -> (n, 2) points
    description: str
    modes: np.ndarray | None = None  # (K, 2) the centres of its separate modes, where it has them


def _ring_centres() -> np.ndarray:
    angle = np.arange(RING_MODES) * 2 * math.pi / RING_MODES
    return np.stack([RING_RADIUS * np.cos(angle), RING_RADIUS * np.sin(angle)], axis=1)


def _grid_centres() -> np.ndarray:
    offsets = (np.arange(GRID_SIDE) - (GRID_SIDE - 1) / 2) * GRID_SPACING
    return np.array([[x, y] for y in offsets for x in offsets])


def _mixture(centres: np.ndarray) -> Callable[[int, float, np.random.Generator], np.ndarray]:
    """Equal Gaussian modes at the centres, each of standard deviation `noise`."""
    def generate(n: int, noise: float, rng: np.random.Generator) -> np.ndarray:
        which = np.arange(n) % len(centres)  # as even as n allows
        return centres[which] + rng.normal(0, noise, (n, 2))
    return generate


def _moons(n: int, noise: float, rng: np.random.Generator) -> np.ndarray:
    """Two interleaving half circles of radius 2.5."""
    upper = n // 2
    t = rng.uniform(0, math.pi, n)
    xy = np.stack([np.cos(t), np.sin(t)], axis=1)
    xy[upper:] = np.stack([1 - np.cos(t[upper:]), 0.5 - np.sin(t[upper:])], axis=1)
    return (xy - [0.5, 0.25]) * 2.5 + rng.normal(0, noise, (n, 2))


def _line(n: int, noise: float, rng: np.random.Generator) -> np.ndarray:
    """A segment from (-4, -2) to (4, 2): one dimension of variation in the plane."""
    t = rng.uniform(-1, 1, n)[:, None]
    return t * np.array([4.0, 2.0]) + rng.normal(0, noise, (n, 2))


GAN_DATASETS: dict[str, Distribution] = {
    "ring": Distribution("gan", "generation", _mixture(_ring_centres()), "Eight Gaussian modes on a circle of "
                         "radius 4: GAN Lab's ring, where mode collapse shows.", _ring_centres()),
    "grid": Distribution("gan", "generation", _mixture(_grid_centres()), "Nine Gaussian modes on a 3×3 grid, "
                         "3 apart.", _grid_centres()),
    "two_moons": Distribution("gan", "generation", _moons, "Two interleaving half circles: a curved, "
                              "connected distribution."),
    "line": Distribution("gan", "generation", _line, "Points along a segment: the simplest target."),
}


def sample(name: str, n: int, noise: float, seed: int) -> np.ndarray:
    """n points of a distribution, shuffled; deterministic for a seed."""
    rng = np.random.default_rng(seed)
    points = GAN_DATASETS[name].generate(n, noise, rng)
    return points[rng.permutation(n)].astype(np.float32)
