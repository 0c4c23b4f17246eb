"""Settings a training worker reads (PLAYGROUND_*); the server's settings extend these."""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


@dataclass(frozen=True)
class Slice:
    """How long a job trains before the next one's turn: `steps` optimizer steps or `seconds`, whichever
    comes first (a slice is at least one step)."""
    steps: int = 50
    seconds: float = 0.01


class WorkerSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PLAYGROUND_", env_file=".env", extra="ignore")

    redis_url: str | None = None  # unset: embedded runner and in-memory bus
    device: str = Field("auto", pattern="^(auto|cpu|cuda)$")
    lease_seconds: float = Field(10.0, gt=0)  # a worker silent this long has lost its run
    gpu_parameter_threshold: int = Field(100_000, ge=0)  # bigger networks go to the gpu queue
    log_format: Literal["text", "json"] = "text"  # json: one JSON object a log line (workers/logs.py)

    # The scheduler (workers/scheduler.py): how many processes host runs, how many runs each trains at once
    # (paused ones do not count), and how long one run trains before the next one's turn.
    scheduler_processes: int = Field(0, ge=0)  # 0: one per core
    active_runs_per_process: int = Field(32, ge=1)
    slice_steps: int = Field(50, ge=1)  # a slice ends after this many optimizer steps...
    slice_ms: float = Field(10.0, gt=0)  # ...or this many milliseconds, whichever comes first
    # Runs of one 2-D structure (a class doing one lesson) train as one batched computation, at most this
    # many a batch (workers/batching.py); 0 or 1: each run alone.
    batch_runs: int = Field(64, ge=0)

    @property
    def processes(self) -> int:
        return self.scheduler_processes or os.cpu_count() or 1

    @property
    def slice(self) -> Slice:
        return Slice(self.slice_steps, self.slice_ms / 1000)
