"""The training engine: pure PyTorch, no web, database or queue."""
from .checks import Limits, Problem, problems
from .control import ACTIONS, Control
from .events import TERMINAL
from .loop import train
from .spec import Spec

__all__ = ["ACTIONS", "Control", "Limits", "Problem", "Spec", "TERMINAL", "problems", "train"]
