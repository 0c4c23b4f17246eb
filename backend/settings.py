"""Settings from the environment (PLAYGROUND_*) and an optional .env file."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import NoDecode

from workers.config import WorkerSettings
from workers.engine import Limits


# What the hygiene settings are, unset, on a server with accounts: fit for a class of 30 sharing one machine
# through a lesson (docs/classroom.md). Without accounts, unset means no limit: `make run` is never cut short.
CLASS_DEFAULTS = {
    "max_run_seconds": 2 * 3600,  # a double period; a playground run takes seconds to minutes
    "max_paused_seconds": 30 * 60,  # a paused run holds a worker's memory and a place in its owner's quota
    "max_submissions_per_minute": 30,  # Play, Reset, Play... every two seconds, and no script flood
    "max_stored_runs_per_user": 500,  # a term of lessons; the page's run list deletes old ones
}


class Settings(WorkerSettings, Limits):
    """The server's settings: the worker's (redis_url, device, lease, routing), the limits of a run
    (every field of Limits, as PLAYGROUND_MAX_*), and its own."""

    data_dir: Path = Path("data")
    database_url: str | None = None  # default: SQLite under data_dir
    max_attempts: int = Field(3, ge=1)  # a run whose worker is lost is tried again up to this many times in all
    reap_seconds: float = Field(2.0, gt=0)  # how often the server looks for runs whose worker went silent
    # Distributed mode: events another API replica's recorder read but never stored (it died) are taken over
    # by a live one once they have waited this long
    recorder_claim_idle_seconds: float = Field(30.0, gt=0)
    # Embedded mode: at most this many runs train at once in all (paused ones do not count; the rest wait
    # `queued`). Unset: as many as the scheduler processes host, scheduler_processes x active_runs_per_process.
    max_concurrent_runs: int | None = Field(None, ge=1)
    # queued + running + paused runs of one user; more answers 429 (the _PER_OWNER name is the old one, still read)
    max_active_runs_per_user: int = Field(50, ge=1, validation_alias=AliasChoices(
        "max_active_runs_per_user", "PLAYGROUND_MAX_ACTIVE_RUNS_PER_USER", "PLAYGROUND_MAX_ACTIVE_RUNS_PER_OWNER"))
    auth: Literal["none", "accounts"] = "none"  # none: one local user, no sign-in; accounts: users sign in
    # Hygiene for a shared server (services/quotas.py, services/time_limits.py). Unset: the class default
    # (CLASS_DEFAULTS) with accounts, no limit for the one local user of auth=none; 0: no limit.
    max_run_seconds: float | None = Field(None, ge=0)  # from the run's start, paused time included
    max_paused_seconds: float | None = Field(None, ge=0)  # a run paused longer is stopped
    max_submissions_per_minute: int | None = Field(None, ge=0)  # POST /runs one user may make in any 60 s
    max_stored_runs_per_user: int | None = Field(None, ge=0)  # runs kept per user, finished ones included
    # Pages on other origins whose websockets the server accepts too (its own origin always is), comma-separated
    allowed_origins: Annotated[list[str], NoDecode] = []
    token_seconds: float = Field(7 * 24 * 3600, gt=0)  # how long a sign-in (token or the page's cookie) lasts
    # The largest request body, in bytes, refused with 413 before it is read (Content-Length) or as it streams in:
    # a spec is a few KB; 1 MiB leaves room for any spec and no room to stall the server parsing one.
    max_body_bytes: int = Field(1024 * 1024, ge=1024)
    # Uploaded datasets (POST /datasets): rows and columns (the label or target included) one CSV may have, and how
    # many one user may keep. Every run on one carries its points in its spec (so a worker needs no database).
    max_dataset_rows: int = Field(5000, ge=4)
    max_dataset_columns: int = Field(20, ge=3)
    max_datasets_per_user: int = Field(50, ge=1)
    replay_buffer: int = Field(2000, ge=10)  # events kept in memory per run for websocket replay
    # The most metrics events a snapshot (the page's first connection to a run's stream) sends, evenly spaced, and
    # the latest: the page's curves keep 500 to 1,000 points however many epochs they are sent
    # (frontend/src/lib/series.ts), so 500 draw the curve every epoch would, and a class opening a run of 50,000
    # epochs is not sent 50,000 messages each (bench/viewers.py).
    snapshot_metrics: int = Field(500, ge=2)
    # Websockets one run, and one client (a user from one address), may have open at once in one API process;
    # one more is closed with 1013 (try again later), saying which cap it met.
    max_viewers_per_run: int = Field(500, ge=1)
    max_viewers_per_client: int = Field(50, ge=1)
    # permessage-deflate on the websockets: it halves a boundary frame (15 KB of JSON to 7 KB) but costs the
    # server about 200 µs of CPU a frame, as much as the rest of relaying it; a class of 60 at 10 frames a
    # second each would spend a core on it (bench/classroom.py). Off: frames cost bandwidth, not CPU.
    websocket_compression: bool = False
    # With accounts, a bearer token a Prometheus scraper may send to read GET /metrics (admins may too); unset:
    # admins only. Without accounts /metrics is open, as everything is.
    metrics_token: str | None = None

    @field_validator("allowed_origins", mode="before")
    @classmethod
    def _comma_separated(cls, value):
        return [o.strip().rstrip("/") for o in value.split(",") if o.strip()] if isinstance(value, str) else value

    def effective_limit(self, name: str) -> float | None:
        """The effective value of one of CLASS_DEFAULTS' settings: None when there is no limit."""
        value = getattr(self, name)
        if value is None:
            value = CLASS_DEFAULTS[name] if self.auth == "accounts" else 0
        return value or None

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
