"""The kinds of data the trainer drives: the registry, by the kind name each kind's datasets carry.

A kind is one folder here: its datasets, layer models, shape rules, checks and lessons (torch-free), told to
the spec side by one About (about.py), and its trainer, a Kind (base.py), that only a run loads. A new kind
(autoencoders, GANs) is a new folder and one entry in the list below, or one register() call made before the
spec is first imported; the shared tables (datasets.py, layer_spec.py, presets.py, checks.py, catalog.py)
and the trainer (loop.py) do not change. This module imports no torch: the spec reads it.
"""
from __future__ import annotations

import importlib
import sys

from .about import About, Events
from .autoencoders.about import AUTOENCODERS
from .gan.about import GAN
from .images.about import IMAGES
from .points.about import POINTS
from .sequences.about import SEQUENCES

# The order of /catalog's datasets, layers and presets.
KINDS: dict[str, About] = {about.name: about for about in (POINTS, IMAGES, SEQUENCES, GAN, AUTOENCODERS)}

# The modules that build their tables from KINDS as they are imported: a kind registered after them would
# be half known (a dataset the trainer could train and the spec would refuse).
_BUILT_FROM_KINDS = tuple(f"{__package__.rpartition('.')[0]}.{name}" for name in ("datasets", "layer_spec", "presets"))


def register(about: About) -> None:
    """Add a kind; it must come before the spec (and the tables it reads) is first imported."""
    built = [name for name in _BUILT_FROM_KINDS if name in sys.modules]
    if built:
        raise RuntimeError(f"register the {about.name!r} kind before importing {', '.join(built)}: they have "
                           "built their tables from the kinds registered then")
    taken = [name for name in about.datasets if any(name in known.datasets for known in KINDS.values())]
    if about.name in KINDS or taken:
        raise ValueError(f"kind {about.name!r} or its datasets {taken} are registered already")
    KINDS[about.name] = about


def about_dataset(dataset: str, data=None) -> About:
    """The kind of this dataset; an uploaded one (the spec's `data` has its table) is 2-D points."""
    if getattr(data, "table", None) is not None:
        return POINTS
    return next(about for about in KINDS.values() if dataset in about.datasets)


def kind_for(dataset: str, data=None) -> type:
    """The Kind (kinds.base) that trains on this dataset, loaded (with torch) on first use."""
    trainer = about_dataset(dataset, data).trainer
    if callable(trainer):
        return trainer()
    module, _, name = trainer.partition(":")
    return getattr(importlib.import_module(module), name)


__all__ = ["About", "Events", "KINDS", "about_dataset", "kind_for", "register"]
