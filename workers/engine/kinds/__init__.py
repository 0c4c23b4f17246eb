"""The kinds of data the trainer drives, by the kind name DATASETS gives each dataset.

A new kind (autoencoders, GANs) is a new folder here, holding its Kind (see base.py), and one entry in
KINDS; the trainer (loop.py) does not change.
"""
from __future__ import annotations

from ..datasets import DATASETS
from .base import Events, Kind
from .images import ImageKind
from .points import PointsKind
from .sequences import SequenceKind

KINDS: dict[str, type[Kind]] = {"2d": PointsKind, "image": ImageKind, "sequence": SequenceKind}


def kind_for(dataset: str) -> type[Kind]:
    """The Kind that trains on this dataset."""
    return KINDS[DATASETS[dataset].kind]


__all__ = ["Events", "KINDS", "Kind", "kind_for"]
