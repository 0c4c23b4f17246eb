"""The training process of the embedded runner: one child process per run.

The parent hands it a spec and two pipe ends; it sends events up one and reads
control actions from the other. Sending is synchronous, so a child that dies
leaves nothing half-sent, and the parent sees end-of-file on the pipe.
"""
from __future__ import annotations

import traceback
from multiprocessing.connection import Connection

from .engine import Spec, train
from .engine.status import Status, status_event


class PipeControl:
    def __init__(self, conn: Connection):
        self.conn = conn

    def poll(self) -> str | None:
        return self.conn.recv() if self.conn.poll() else None

    def wait(self, timeout: float) -> str | None:
        return self.conn.recv() if self.conn.poll(timeout) else None


def train_in_child(spec_json: str, device: str, events: Connection, control: Connection) -> None:
    import torch

    torch.set_num_threads(1)  # one run, one core: tiny networks only lose time to thread hand-offs
    try:
        train(Spec.model_validate_json(spec_json), events.send, PipeControl(control), device)
    except Exception as error:  # noqa: BLE001 - whatever broke, the run must end with a status
        traceback.print_exc()
        events.send(status_event(Status.FAILED, f"training crashed: {error!r}"))
    finally:
        events.close()
