"""DATASETS: every dataset a spec may name, from every registered kind (kinds/), and their classes.

Each kind's folder holds its own datasets (kinds/points/datasets.py, kinds/images/datasets.py,
kinds/sequences/datasets.py); a record leads with its kind, task and description. The 2-D ones come
first: the catalog's default dataset is the first.
"""
from __future__ import annotations

from typing import Any

from .kinds import KINDS
from .kinds.points.table_spec import Uploaded

DATASETS: dict[str, Any] = {name: dataset for about in KINDS.values() for name, dataset in about.datasets.items()}


def dataset_of(data) -> Any:
    """The record of a spec's `data`: its built-in dataset's, or its uploaded dataset's (the server filled in
    data.table); a KeyError for a name that is neither."""
    table = getattr(data, "table", None)
    if table is not None:
        return Uploaded.of(table)
    return DATASETS[data.dataset]


def is_uploaded(data) -> bool:
    return getattr(data, "table", None) is not None


def class_names(name: str, data=None) -> list[str]:
    """A classification dataset's classes, as its kind names them (a sequence task's vocabulary may depend on
    the spec's `data`; the 2-D ones have 0 and 1, an uploaded one its own labels)."""
    if is_uploaded(data):
        return list(data.table.classes or ["0", "1"])  # regression: two, as the generated ones
    return KINDS[DATASETS[name].kind].classes(name, data)


def n_classes(name: str, data=None) -> int:
    return len(class_names(name, data))
