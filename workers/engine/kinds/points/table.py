"""An uploaded dataset's points (data.table) as the trainer and the page see them.

Every feature column goes into the network, standardised by the training split's mean and standard deviation
(the generated datasets come ready on the playground's [-6, 6] plane; uploaded columns may be in any unit).
The plane drawn is two of those standardised columns (data.axes), the other features held at their means,
which standardised is 0. A regression target is scaled onto [-1, 1], the range the boundary's output is drawn
in and the generated regression datasets' targets span.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .datasets import Split
from .table_spec import Table, axes_of

MARGIN = 0.05  # of each axis's span, around the points drawn


@dataclass(frozen=True)
class TablePlane:
    """Where the boundary of an uploaded dataset is drawn: two feature columns, the others at their means."""
    n_features: int
    axes: tuple[int, int]
    names: tuple[str, str]
    extent: tuple[float, float, float, float]

    def inputs(self, grid: np.ndarray) -> np.ndarray:
        """(M, 2) points of the plane -> (M, n_features) network inputs."""
        inputs = np.zeros((len(grid), self.n_features), dtype=np.float32)
        inputs[:, self.axes[0]], inputs[:, self.axes[1]] = grid[:, 0], grid[:, 1]
        return inputs


def _extent(points: np.ndarray) -> tuple[float, float, float, float]:
    bounds = []
    for axis in range(2):
        lo, hi = float(points[:, axis].min()), float(points[:, axis].max())
        pad = (hi - lo) * MARGIN or 1.0
        bounds += [lo - pad, hi + pad]
    return tuple(bounds)


@dataclass(frozen=True)
class Standardised:
    """How the rows of an uploaded dataset become a run's inputs and targets (the export writes these down)."""
    order: np.ndarray  # the shuffled row indices: the first n_train are the training split
    n_train: int
    mean: np.ndarray  # (F,) float64: each column's mean over the training split
    scale: np.ndarray  # (F,) float64: its standard deviation there, 1 where the column is constant
    target_range: tuple[float, float] | None  # regression: the smallest and largest target, mapped onto -1 and 1


def standardised(table: Table, test_fraction: float, seed: int) -> Standardised:
    """The shuffle (deterministic for a seed), the split, and the training split's statistics."""
    x = np.asarray(table.x, dtype=np.float64)
    order = np.random.default_rng(seed).permutation(len(x))
    n_train = len(x) - int(round(len(x) * test_fraction))
    train = x[order][:n_train]
    std = train.std(axis=0)
    target_range = None
    if table.task == "regression":
        y = np.asarray(table.y, dtype=np.float64)
        target_range = (float(y.min()), float(y.max()))
    return Standardised(order, n_train, train.mean(axis=0), np.where(std > 0, std, 1.0), target_range)


def scaled_targets(y: np.ndarray, target_range: tuple[float, float] | None) -> np.ndarray:
    """Regression targets onto [-1, 1] (the smallest -1, the largest 1); class indices as they are."""
    if target_range is None:
        return y
    lo, hi = target_range
    return 2 * (y - lo) / (hi - lo if hi > lo else 1.0) - 1


def table_data(table: Table, test_fraction: float, seed: int,
               axes: list[str] | None) -> tuple[Split, Split, TablePlane]:
    """Shuffle and split the rows (deterministic for a seed), standardise, and choose the plane."""
    how = standardised(table, test_fraction, seed)
    x = np.asarray(table.x, dtype=np.float64)[how.order]
    y = np.asarray(table.y, dtype=np.float64)[how.order]
    inputs = ((x - how.mean) / how.scale).astype(np.float32)
    labels = scaled_targets(y, how.target_range).astype(np.float32)
    i, j = axes_of(table, axes)
    points = inputs[:, [i, j]]
    plane = TablePlane(len(table.columns), (i, j), (table.columns[i], table.columns[j]), _extent(points))
    n_train = how.n_train

    def split(sl: slice) -> Split:
        return Split(points[sl], inputs[sl], labels[sl])

    return split(slice(0, n_train)), split(slice(n_train, None)), plane
