"""The event bus the API reads: numbered per run, replayable from any seq, awaitable for what comes next."""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class Event:
    run_id: str
    seq: int
    type: str
    json: str | None  # the websocket message, serialised once however many viewers there are
    ack_id: Any = None  # where the bus needs to hear that the recorder stored it

    @classmethod
    def numbered(cls, run_id: str, seq: int, event: dict) -> "Event":
        """Give an engine event its seq; the same bytes as the Redis script makes (workers/streams.py)."""
        body = json.dumps(event, separators=(",", ":"))
        return cls(run_id, seq, event["type"], f'{{"seq":{seq},{body[1:]}')

    @property
    def data(self) -> dict:
        return json.loads(self.json)["data"]

    @property
    def status(self) -> str | None:
        return self.data.get("status") if self.type == "status" else None


class EventBus(Protocol):
    dependencies: dict  # name -> an awaitable round trip to each service the bus needs (/health checks them)

    def open(self, run_id: str, last_seq: int = 0) -> None:
        """Number a run's next events after `last_seq` at least (what the database already holds)."""

    async def publish(self, run_id: str, event: dict) -> Event:
        """Number and store an event, wake its readers, hand it to the recorder."""

    async def read(self, run_id: str, after: int, timeout: float) -> list[Event] | None:
        """Events with seq > after, waiting up to `timeout` (0: not at all) for the first; [] when none came in time;
        None when the bus does not hold the events right after `after` (read those from the database)."""

    async def next_for_recorder(self) -> list[Event]:
        """The next batch of events of all runs, in order, for the recorder."""

    async def ack(self, batch: list[Event]) -> None:
        """The recorder stored this batch: it need not come again."""

    async def forget(self, run_id: str) -> None:
        """Drop a deleted run's events."""


def make_bus(settings) -> EventBus:
    """The one place that chooses: Redis Streams when PLAYGROUND_REDIS_URL is set, else memory."""
    if settings.redis_url:
        from .redis import make_redis_bus
        from .shared import SharedFeeds

        return SharedFeeds(make_redis_bus(settings.redis_url, settings.recorder_claim_idle_seconds))
    from .memory import MemoryBus

    return MemoryBus(settings.replay_buffer)
