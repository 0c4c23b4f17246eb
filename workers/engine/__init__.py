"""The training engine: pure PyTorch, no web, database or queue.

The spec side (Spec, Limits, problems, the catalog) does not import torch, so a web process that only
validates specs never loads it; `train` (the trainer, which does) is imported on first use.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from .checks import Limits, Problem, problems
from .control import ACTIONS, Control
from .spec import Spec
from .status import TERMINAL

if TYPE_CHECKING:
    from .loop import train

__all__ = ["ACTIONS", "Control", "Limits", "Problem", "Spec", "TERMINAL", "problems", "train"]


def __getattr__(name: str):
    if name == "train":
        from .loop import train

        return train
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
