"""Early stopping: stop when the test loss has not improved for `patience` epochs, perhaps keeping the best weights."""
from __future__ import annotations

import math
from typing import Callable

import torch


class EarlyStopper:
    """Remembers the best test loss and the weights that gave it; `model()` is the run's model as it is
    now (in a batch, synced first)."""

    def __init__(self, config, model: Callable[[], torch.nn.Module]):
        self.config, self.model = config, model
        self.best_loss, self.best_epoch, self.best_state, self.waited = math.inf, 0.0, None, 0

    def should_stop(self, epoch: float, loss: float | None) -> bool:
        if loss is not None and loss < self.best_loss - self.config.min_delta:
            self.best_loss, self.best_epoch, self.waited = loss, epoch, 0
            self.best_state = {k: v.detach().clone() for k, v in self.model().state_dict().items()}
            return False
        self.waited += 1
        return self.waited >= self.config.patience

    def message(self, epoch: float) -> str:
        return (f"early stopping at epoch {epoch:g}: the test loss has not improved for "
                f"{self.config.patience} epochs; best at epoch {self.best_epoch:g}")

    def restore(self) -> None:
        if self.best_state is not None:
            self.model().load_state_dict(self.best_state)
