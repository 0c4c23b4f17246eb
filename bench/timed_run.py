"""One engine run timed as the benchmarks need it: every event serialised as the bus would, counted,
and the time (and epoch) at which the test accuracy first reached a target, optionally stopping there."""
from __future__ import annotations

import json
import time

import torch

from workers.engine import train
from workers.engine.spec import Spec


class StopAtTarget:
    """A control that stops the run once a metrics event reached the target accuracy."""

    def __init__(self):
        self.reached = False

    def poll(self) -> str | None:
        return "stop" if self.reached else None

    def wait(self, timeout: float) -> str | None:
        return "stop"


def timed_run(s: Spec, device: str, target_accuracy: float, stop_at_target: bool = False) -> dict:
    """{"events", "bytes", "kinds", "reached": (seconds, epoch) or None, "seconds"}."""
    control = StopAtTarget()
    seen = {"events": 0, "bytes": 0, "kinds": {}, "reached": None}
    start = time.perf_counter()

    def emit(ev: dict) -> None:
        text = json.dumps({**ev, "seq": seen["events"] + 1}, separators=(",", ":"))
        seen["events"] += 1
        seen["bytes"] += len(text)
        seen["kinds"][ev["type"]] = seen["kinds"].get(ev["type"], 0) + 1
        if ev["type"] == "metrics" and seen["reached"] is None and ev["data"]["test_accuracy"] >= target_accuracy:
            seen["reached"] = (time.perf_counter() - start, ev["epoch"])
            control.reached = stop_at_target

    train(s, emit, control, device)
    return {**seen, "seconds": time.perf_counter() - start}


def sync(device: str) -> None:
    """Wait for the GPU's queued work, so that a timer reads what it cost."""
    if device == "cuda":
        torch.cuda.synchronize()
