"""Image datasets: offline, and the same images for the same seed (data.py splits, resizes and augments them).

Images are float32 arrays (N, C, H, W) with pixel values in [0, 1]; labels are class indices. Every
generator is a pure function of (n, noise, rng), as the 2-D ones in kinds/points/datasets.py are.
"""
from __future__ import annotations

import functools
import gzip
import importlib.util
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

ImageGenerator = Callable[[int, float, np.random.Generator], tuple[np.ndarray, np.ndarray]]


@dataclass(frozen=True)
class ImageDataset:
    kind: str  # always "image"; every kind's dataset record leads with kind, task and description
    task: str
    generate: ImageGenerator
    description: str
    classes: tuple[str, ...]
    shape: tuple[int, int, int]  # (C, H, W) as generated; data.image_size resamples H and W
    noise: str  # what data.noise means for this dataset
    max_samples: int | None = None  # a fixed collection has only so many images


# -- digits: the 8×8 handwritten digits that ship inside scikit-learn ------------------------------------


@functools.lru_cache(maxsize=1)
def _all_digits() -> tuple[np.ndarray, np.ndarray]:
    """The 1,797 images (values 0..16) and labels, read from scikit-learn's bundled CSV.

    Read directly (0.1 s) rather than through sklearn.datasets (a second of imports); the loader is
    the fallback should a later scikit-learn move the file."""
    spec = importlib.util.find_spec("sklearn")
    csv = Path(spec.origin).parent / "datasets" / "data" / "digits.csv.gz" if spec and spec.origin else None
    if csv is not None and csv.exists():
        with gzip.open(csv, "rt") as f:
            table = np.loadtxt(f, delimiter=",", dtype=np.float32)
        return table[:, :-1].reshape(-1, 8, 8), table[:, -1].astype(np.int64)
    from sklearn.datasets import load_digits

    digits = load_digits()
    return digits.images.astype(np.float32), digits.target.astype(np.int64)


DIGITS_COUNT = 1797


def _digits(n: int, noise: float, rng: np.random.Generator):
    images, labels = _all_digits()
    chosen = rng.choice(len(labels), size=n, replace=False)
    x = images[chosen][:, None] / 16.0  # (n, 1, 8, 8) in [0, 1]
    if noise > 0:
        x = np.clip(x + rng.normal(0, noise, x.shape), 0, 1)
    return x.astype(np.float32), labels[chosen]


# -- shapes: lines, squares, circles and triangles, drawn at random places and sizes -----------------------

SHAPE_CLASSES = ("horizontal", "vertical", "diagonal", "square", "circle", "triangle")
SHAPE_SIZE = 28


def _outline(distance: np.ndarray, thickness: np.ndarray) -> np.ndarray:
    """Ink where a signed distance is within thickness/2 of 0, anti-aliased over one pixel."""
    return np.clip(thickness / 2 + 0.5 - np.abs(distance), 0, 1)


def _draw_shape(kind: str, x: np.ndarray, y: np.ndarray, size: np.ndarray, thickness: np.ndarray,
                rng: np.random.Generator) -> np.ndarray:
    """(n, H, W) ink for n shapes of one kind; x, y are pixel offsets from each shape's centre."""
    if kind in ("horizontal", "vertical", "diagonal"):
        if kind == "horizontal":
            along, across = x, y
        elif kind == "vertical":
            along, across = y, x
        else:  # "\" or "/", at random
            sign = rng.choice([-1.0, 1.0], size=(len(size), 1, 1))
            along, across = (x + sign * y) / math.sqrt(2), (x - sign * y) / math.sqrt(2)
        beyond = np.maximum(np.abs(across) - thickness / 2, np.abs(along) - size)  # < 0 inside the stroke
        return np.clip(0.5 - beyond, 0, 1)
    if kind == "square":
        return _outline(np.maximum(np.abs(x), np.abs(y)) - 0.8 * size, thickness)
    if kind == "circle":
        return _outline(np.hypot(x, y) - size, thickness)
    # an equilateral triangle, apex up (y grows downwards): the largest of three edge distances
    edge = np.maximum(np.maximum(y, -0.5 * y + 0.866 * x), -0.5 * y - 0.866 * x)
    return _outline(edge - size / 2, thickness)


def _shapes(n: int, noise: float, rng: np.random.Generator):
    labels = rng.permutation(np.arange(n) % len(SHAPE_CLASSES))
    ink = np.zeros((n, SHAPE_SIZE, SHAPE_SIZE), dtype=np.float32)
    grid = np.arange(SHAPE_SIZE, dtype=np.float32)
    for index, kind in enumerate(SHAPE_CLASSES):
        which = np.flatnonzero(labels == index)
        if len(which) == 0:
            continue
        m = len(which)
        size = rng.uniform(5, 9, (m, 1, 1))  # half-length, radius, or circumradius
        cx, cy = (rng.uniform(size.ravel() + 1, SHAPE_SIZE - 2 - size.ravel()).reshape(m, 1, 1) for _ in range(2))
        thickness = rng.uniform(1.2, 2.5, (m, 1, 1))
        ink[which] = _draw_shape(kind, grid[None, None, :] - cx, grid[None, :, None] - cy, size, thickness, rng)
    images = ink + rng.normal(0, noise, ink.shape) if noise > 0 else ink
    return np.clip(images, 0, 1)[:, None].astype(np.float32), labels.astype(np.int64)


# -- textures: coloured stripes, checks, dots and rings --------------------------------------------------

TEXTURE_CLASSES = ("horizontal stripes", "vertical stripes", "diagonal stripes", "checks", "dots", "rings")
TEXTURE_SIZE = 32


def _pattern(kind: int, x: np.ndarray, y: np.ndarray, period: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """(m, H, W) in [-1, 1]: one texture kind at random phases."""
    m = len(period)
    phase = rng.uniform(0, 2 * math.pi, (2, m, 1, 1))
    wave = 2 * math.pi / period
    if kind == 0:
        return np.sin(wave * y + phase[0])
    if kind == 1:
        return np.sin(wave * x + phase[0])
    if kind == 2:
        sign = rng.choice([-1.0, 1.0], size=(m, 1, 1))
        return np.sin(wave * (x + sign * y) / math.sqrt(2) + phase[0])
    if kind == 3:
        return np.sign(np.sin(wave * x + phase[0]) * np.sin(wave * y + phase[1]))
    if kind == 4:
        return np.cos(wave * x + phase[0]) + np.cos(wave * y + phase[1]) - 1  # bright spots on a grid
    centre = rng.uniform(4, TEXTURE_SIZE - 4, (2, m, 1, 1))
    return np.sin(wave * np.hypot(x - centre[0], y - centre[1]) + phase[0])


def _textures(n: int, noise: float, rng: np.random.Generator):
    labels = rng.permutation(np.arange(n) % len(TEXTURE_CLASSES))
    images = np.zeros((n, 3, TEXTURE_SIZE, TEXTURE_SIZE), dtype=np.float32)
    grid = np.arange(TEXTURE_SIZE, dtype=np.float32)
    for index in range(len(TEXTURE_CLASSES)):
        which = np.flatnonzero(labels == index)
        m = len(which)
        if m == 0:
            continue
        period = rng.uniform(5, 9, (m, 1, 1))
        ink = np.clip(0.5 + 1.5 * _pattern(index, grid[None, None, :], grid[None, :, None], period, rng), 0, 1)
        # The colour says nothing about the class: dark on light or light on dark, any hue.
        dark, light = rng.uniform(0.0, 0.35, (m, 3, 1, 1)), rng.uniform(0.65, 1.0, (m, 3, 1, 1))
        swap = rng.random((m, 1, 1, 1)) < 0.5
        background, foreground = np.where(swap, light, dark), np.where(swap, dark, light)
        images[which] = background + (foreground - background) * ink[:, None]
    if noise > 0:
        images = images + rng.normal(0, noise, images.shape)
    return np.clip(images, 0, 1).astype(np.float32), labels.astype(np.int64)


IMAGE_DATASETS: dict[str, ImageDataset] = {
    "digits": ImageDataset("image", "classification", _digits,
                           "Handwritten digits 0-9, 8×8 grey (the set scikit-learn ships, 1,797 images).",
                           tuple(str(d) for d in range(10)), (1, 8, 8),
                           "Gaussian pixel noise of this standard deviation", max_samples=DIGITS_COUNT),
    "shapes": ImageDataset("image", "classification", _shapes,
                           "28×28 grey lines (horizontal, vertical, diagonal), squares, circles and triangles "
                           "at random places and sizes.", SHAPE_CLASSES, (1, SHAPE_SIZE, SHAPE_SIZE),
                           "Gaussian pixel noise of this standard deviation"),
    "textures": ImageDataset("image", "classification", _textures,
                             "32×32 colour textures: stripes in three orientations, checks, dots and rings, in "
                             "random colours; the class is the pattern, never the colour.", TEXTURE_CLASSES,
                             (3, TEXTURE_SIZE, TEXTURE_SIZE), "Gaussian pixel noise of this standard deviation"),
}


def image_shape(name: str, image_size: int | None) -> tuple[int, int, int]:
    channels, height, width = IMAGE_DATASETS[name].shape
    return (channels, image_size, image_size) if image_size else (channels, height, width)
