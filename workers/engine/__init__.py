"""The training engine: pure PyTorch, no web, database or queue.

The spec side (Spec, Limits, problems, the catalog) does not import torch, so a web process that only
validates specs never loads it; `train` (the trainer, which does) is imported on first use. Every name
here is imported on first use, so that importing a part of the engine (kinds.register, to add a kind
before the spec builds its tables) does not import the spec first.
"""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .checks import problems
    from .control import ACTIONS, Control
    from .limits import Limits, Problem
    from .loop import train
    from .spec import Spec
    from .status import TERMINAL

_HOMES = {"ACTIONS": "control", "Control": "control", "Limits": "limits", "Problem": "limits", "Spec": "spec",
          "TERMINAL": "status", "problems": "checks", "train": "loop"}
__all__ = ["ACTIONS", "Control", "Limits", "Problem", "Spec", "TERMINAL", "problems", "train"]


def __getattr__(name: str):
    if name in _HOMES:
        return getattr(importlib.import_module(f".{_HOMES[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
