"""Settings from the environment (PLAYGROUND_*) and an optional .env file."""
from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field

from workers.config import WorkerSettings
from workers.engine import Limits


class Settings(WorkerSettings, Limits):
    """The server's settings: the worker's (redis_url, device, lease, routing), the limits of a run
    (every field of Limits, as PLAYGROUND_MAX_*), and its own."""

    data_dir: Path = Path("data")
    database_url: str | None = None  # default: SQLite under data_dir
    max_attempts: int = Field(3, ge=1)  # a run whose worker is lost is tried again up to this many times in all
    reap_seconds: float = Field(2.0, gt=0)  # how often the server looks for runs whose worker went silent
    # Embedded mode: at most this many runs train at once in all (paused ones do not count; the rest wait
    # `queued`). Unset: as many as the scheduler processes host, scheduler_processes x active_runs_per_process.
    max_concurrent_runs: int | None = Field(None, ge=1)
    # queued + running + paused runs of one user; more answers 429 (the _PER_OWNER name is the old one, still read)
    max_active_runs_per_user: int = Field(50, ge=1, validation_alias=AliasChoices(
        "max_active_runs_per_user", "PLAYGROUND_MAX_ACTIVE_RUNS_PER_USER", "PLAYGROUND_MAX_ACTIVE_RUNS_PER_OWNER"))
    auth: Literal["none", "accounts"] = "none"  # none: one local user, no sign-in; accounts: users sign in
    token_seconds: float = Field(7 * 24 * 3600, gt=0)  # how long a sign-in (token or the page's cookie) lasts
    replay_buffer: int = Field(2000, ge=10)  # events kept in memory per run for websocket replay
    # permessage-deflate on the websockets: it halves a boundary frame (15 KB of JSON to 7 KB) but costs the
    # server about 200 µs of CPU a frame, as much as the rest of relaying it; a class of 60 at 10 frames a
    # second each would spend a core on it (bench/classroom.py). Off: frames cost bandwidth, not CPU.
    websocket_compression: bool = False

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'playground.db'}"

    @property
    def active_runs(self) -> int:
        """How many runs may train at once in embedded mode."""
        return self.max_concurrent_runs or self.processes * self.active_runs_per_process

    @property
    def limits(self) -> Limits:
        return Limits(**{name: getattr(self, name) for name in Limits.model_fields})
