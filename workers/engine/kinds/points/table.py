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


def table_data(table: Table, test_fraction: float, seed: int,
               axes: list[str] | None) -> tuple[Split, Split, TablePlane]:
    """Shuffle and split the rows (deterministic for a seed), standardise, and choose the plane."""
    x, y = np.asarray(table.x, dtype=np.float64), np.asarray(table.y, dtype=np.float64)
    order = np.random.default_rng(seed).permutation(len(x))
    x, y = x[order], y[order]
    n_train = len(x) - int(round(len(x) * test_fraction))
    mean, std = x[:n_train].mean(axis=0), x[:n_train].std(axis=0)
    inputs = ((x - mean) / np.where(std > 0, std, 1.0)).astype(np.float32)
    if table.task == "regression":
        lo, hi = y.min(), y.max()
        y = 2 * (y - lo) / (hi - lo if hi > lo else 1.0) - 1
    labels = y.astype(np.float32)
    i, j = axes_of(table, axes)
    points = inputs[:, [i, j]]
    plane = TablePlane(len(table.columns), (i, j), (table.columns[i], table.columns[j]), _extent(points))

    def split(sl: slice) -> Split:
        return Split(points[sl], inputs[sl], labels[sl])

    return split(slice(0, n_train)), split(slice(n_train, None)), plane
