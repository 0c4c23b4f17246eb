"""`status` events: the run's status changed. Written by the engine and by the server (queued, lost attempts)."""
from __future__ import annotations

from typing import Literal

from pydantic import Field

from .base import Cadence, Probe, Storage
from ..status import STATUSES
from .payload import Payload

RunStatus = Literal[STATUSES]  # type: ignore[valid-type]


class RunSummary(Payload):
    """The final metrics of a run, in its terminal status event (and the Run's `summary`)."""

    train_loss: float | None = Field(None, description="The last measured training loss; null if not finite.")
    test_loss: float | None = Field(None, description="The last measured test loss; null if not finite.")
    train_accuracy: float | None = Field(None, description="Classification only.")
    test_accuracy: float | None = Field(None, description="Classification only.")
    epochs: float = Field(description="The epochs trained (a fraction when stopped mid-epoch).")
    steps: int = Field(ge=0, description="The optimizer steps taken.")
    seconds: float = Field(ge=0, description="Training time, set-up excluded.")


class StatusData(Payload):
    """`data` of a `status` event: the run's status changed."""

    status: RunStatus = Field(description="The new status; `succeeded`, `failed` and `cancelled` are terminal.")
    message: str = Field(None, description="Why: the error of a failed run, the reason a run stopped early.")
    attempt: int = Field(None, ge=1, description="With `queued`: the attempt at training the run now is; with "
                         "the `failed` of a run whose last allowed attempt was lost: that attempt.")
    device: str = Field(None, description="With the first `running`: where the run trains (`cpu`, `cuda`).")
    summary: RunSummary = Field(None, description="With `succeeded` and `cancelled` (once training started).")


PROBE = Probe("status", StatusData, Cadence.STATUS, Storage.WHOLE,
              "The run's status changed. The last event of every run is a status event with a terminal status.")
