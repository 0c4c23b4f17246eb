"""Settings a training worker reads (PLAYGROUND_*); the server's settings extend these."""
from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class WorkerSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PLAYGROUND_", env_file=".env", extra="ignore")

    redis_url: str | None = None  # unset: embedded runner and in-memory bus
    device: str = Field("auto", pattern="^(auto|cpu|cuda)$")
    lease_seconds: float = Field(10.0, gt=0)  # a worker silent this long has lost its run
    gpu_parameter_threshold: int = Field(100_000, ge=0)  # bigger networks go to the gpu queue
