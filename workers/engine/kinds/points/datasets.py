"""The 2-D toy datasets and input features, after TensorFlow Playground's.

Points live in about [-6, 6]² (the playground's coordinates), so a spec that
copies a TF Playground setting trains on the same numbers. Every generator is
a pure function of (n, noise, rng): the same seed gives the same data.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np

EXTENT = (-6.0, 6.0, -6.0, 6.0)  # xmin, xmax, ymin, ymax of the input plane

Generator = Callable[..., tuple[np.ndarray, np.ndarray]]  # (n, noise, rng[, classes]) -> (points, labels)

MIN_CLASSES, MAX_CLASSES = 2, 8  # the bounds of data.classes (the page has a colour for each of 8)


@dataclass(frozen=True)
class Dataset:
    kind: str  # always "2d"; every kind's dataset record leads with kind, task and description
    task: str  # "classification" or "regression"
    generate: Generator
    description: str
    classes: int | None = None  # a k-class dataset's default k (data.classes); None: two classes, or regression

    def class_count(self, asked: int | None) -> int:
        """How many classes a spec's data.classes (None: the default) gives this dataset."""
        if self.classes is None:
            return 2
        return asked if asked is not None else self.classes


def _circle(n: int, noise: float, rng: np.random.Generator):
    radius = 5.0
    inner = n // 2
    r = np.concatenate([rng.uniform(0, radius * 0.5, inner), rng.uniform(radius * 0.7, radius, n - inner)])
    angle = rng.uniform(0, 2 * math.pi, n)
    xy = np.stack([r * np.sin(angle), r * np.cos(angle)], axis=1)
    jitter = rng.uniform(-radius, radius, (n, 2)) * noise
    # As in the playground, the label comes from the jittered position: noise flips labels near the gap.
    label = (np.linalg.norm(xy + jitter, axis=1) < radius * 0.5).astype(np.float32)
    return xy, label


def _xor(n: int, noise: float, rng: np.random.Generator):
    padding = 0.3
    xy = rng.uniform(-5, 5, (n, 2))
    xy += np.where(xy > 0, padding, -padding)  # keep points off the axes
    jitter = rng.uniform(-5, 5, (n, 2)) * noise
    noisy = xy + jitter
    label = (noisy[:, 0] * noisy[:, 1] >= 0).astype(np.float32)
    return xy, label


def _gauss(n: int, noise: float, rng: np.random.Generator):
    # Playground: variance grows linearly from 0.5 (noise 0) to 4 (noise 0.5).
    variance = 0.5 + 7.0 * noise
    half = n // 2
    centres = np.array([[2.0, 2.0]] * half + [[-2.0, -2.0]] * (n - half))
    xy = centres + rng.normal(0, math.sqrt(variance), (n, 2))
    label = np.array([1.0] * half + [0.0] * (n - half), dtype=np.float32)
    return xy, label


def _spiral(n: int, noise: float, rng: np.random.Generator):
    half = n // 2
    parts, labels = [], []
    for label, (count, delta) in enumerate([(half, math.pi), (n - half, 0.0)]):
        i = np.arange(count)
        r = i / count * 5
        t = 1.75 * i / count * 2 * math.pi + delta
        xy = np.stack([r * np.sin(t), r * np.cos(t)], axis=1) + rng.uniform(-1, 1, (count, 2)) * noise
        parts.append(xy)
        labels.append(np.full(count, float(label)))
    return np.concatenate(parts), np.concatenate(labels)


def _moons(n: int, noise: float, rng: np.random.Generator):
    half = n // 2
    t_upper = rng.uniform(0, math.pi, half)
    t_lower = rng.uniform(0, math.pi, n - half)
    upper = np.stack([np.cos(t_upper), np.sin(t_upper)], axis=1)
    lower = np.stack([1 - np.cos(t_lower), 0.5 - np.sin(t_lower)], axis=1)
    # Scale the unit moons (x in [-1, 2], y in [-0.5, 1]) onto the playground plane.
    xy = (np.concatenate([upper, lower]) - [0.5, 0.25]) * 3.2 + rng.normal(0, 1, (n, 2)) * noise * 3.2
    label = np.array([0.0] * half + [1.0] * (n - half))
    return xy, label


def _plane(n: int, noise: float, rng: np.random.Generator):
    xy = rng.uniform(-6, 6, (n, 2))
    jitter = rng.uniform(-6, 6, (n, 2)) * noise
    label = np.clip((xy + jitter).sum(axis=1) / 10, -1, 1)  # x + y in [-10, 10] onto [-1, 1]
    return xy, label


_GAUSSIANS = [(-4, 2.5, 1), (0, 2.5, -1), (4, 2.5, 1), (-4, -2.5, -1), (0, -2.5, 1), (4, -2.5, -1)]


def _multi_gauss(n: int, noise: float, rng: np.random.Generator):
    xy = rng.uniform(-6, 6, (n, 2))
    noisy = xy + rng.uniform(-6, 6, (n, 2)) * noise
    label = np.zeros(n)
    for cx, cy, sign in _GAUSSIANS:
        # Each bump falls linearly from 1 at its centre to 0 at distance 2; the strongest bump wins.
        bump = sign * np.clip(1 - np.hypot(noisy[:, 0] - cx, noisy[:, 1] - cy) / 2, 0, 1)
        label = np.where(np.abs(bump) > np.abs(label), bump, label)
    return xy, label


def _blobs(n: int, noise: float, rng: np.random.Generator, classes: int):
    """k Gaussian blobs on a circle of radius 3.5, class c at angle 2πc/k; noise widens them as in gauss."""
    label = np.arange(n) % classes
    angle = 2 * math.pi * label / classes + math.pi / 2
    centres = 3.5 * np.stack([np.cos(angle), np.sin(angle)], axis=1)
    spread = math.sqrt(0.25 + 3.0 * noise)  # noise 0: tight blobs; 0.5: neighbours overlap
    return centres + rng.normal(0, spread, (n, 2)), label.astype(np.float32)


def _spirals(n: int, noise: float, rng: np.random.Generator, classes: int):
    """k interleaved spiral arms, arm c turned by 2πc/k: the two-arm spiral's rule for any k."""
    label = np.arange(n) % classes
    count = np.bincount(label, minlength=classes)  # points per arm
    progress = (np.arange(n) // classes) / count[label]  # along its arm: 0 at the centre, towards 1 at the end
    r = progress * 5
    t = 1.25 * progress * 2 * math.pi + 2 * math.pi * label / classes
    xy = np.stack([r * np.sin(t), r * np.cos(t)], axis=1) + rng.uniform(-1, 1, (n, 2)) * noise
    return xy, label.astype(np.float32)


PLANE_DATASETS: dict[str, Dataset] = {
    "circle": Dataset("2d", "classification", _circle, "A disc of one class inside a ring of the other."),
    "xor": Dataset("2d", "classification", _xor, "Quadrants: the class is the sign of x1·x2. Needs a hidden layer."),
    "gauss": Dataset("2d", "classification", _gauss, "Two Gaussian blobs: linearly separable."),
    "spiral": Dataset("2d", "classification", _spiral, "Two interleaved spirals: needs depth or features."),
    "moons": Dataset("2d", "classification", _moons, "Two interleaving half circles."),
    "blobs": Dataset("2d", "classification", _blobs, "k Gaussian blobs in a ring (data.classes, 3 by default): "
                     "softmax draws k regions.", classes=3),
    "spirals": Dataset("2d", "classification", _spirals, "k interleaved spiral arms (data.classes, 3 by default).",
                       classes=3),
    "plane": Dataset("2d", "regression", _plane, "A tilted plane: the target is (x1 + x2) / 10."),
    "multi-gauss": Dataset("2d", "regression", _multi_gauss, "Six positive and negative bumps."),
}

@dataclass(frozen=True)
class Feature:
    label: str
    compute: Callable[[np.ndarray, np.ndarray], np.ndarray]


DEFAULT_FEATURES = ["x1", "x2"]  # the spec's default: the plane's own coordinates
FEATURES: dict[str, Feature] = {
    "x1": Feature("x₁", lambda x1, x2: x1),
    "x2": Feature("x₂", lambda x1, x2: x2),
    "x1_sq": Feature("x₁²", lambda x1, x2: x1 * x1),
    "x2_sq": Feature("x₂²", lambda x1, x2: x2 * x2),
    "x1_x2": Feature("x₁·x₂", lambda x1, x2: x1 * x2),
    "sin_x1": Feature("sin x₁", lambda x1, x2: np.sin(x1)),
    "sin_x2": Feature("sin x₂", lambda x1, x2: np.sin(x2)),
}


def featurize(points: np.ndarray, features: list[str]) -> np.ndarray:
    """(N, 2) plane coordinates -> (N, len(features)) network inputs."""
    x1, x2 = points[:, 0], points[:, 1]
    return np.stack([FEATURES[f].compute(x1, x2) for f in features], axis=1).astype(np.float32)


@dataclass(frozen=True)
class Split:
    points: np.ndarray  # (N, 2) coordinates on the plane, for drawing
    inputs: np.ndarray  # (N, F) features, for the network
    labels: np.ndarray  # (N,) classes 0..k-1 or regression targets


def make_data(name: str, n_samples: int, noise: float, test_fraction: float,
              features: list[str], seed: int, classes: int | None = None) -> tuple[Split, Split]:
    """Generate, shuffle and split a dataset; deterministic for a seed. `classes`: a k-class dataset's k."""
    rng = np.random.default_rng(seed)
    dataset = PLANE_DATASETS[name]
    if dataset.classes is None:
        points, labels = dataset.generate(n_samples, noise, rng)
    else:
        points, labels = dataset.generate(n_samples, noise, rng, dataset.class_count(classes))
    order = rng.permutation(n_samples)
    points, labels = points[order].astype(np.float32), labels[order].astype(np.float32)
    n_test = int(round(n_samples * test_fraction))
    n_train = n_samples - n_test

    def split(sl: slice) -> Split:
        return Split(points[sl], featurize(points[sl], features), labels[sl])

    return split(slice(0, n_train)), split(slice(n_train, None))
