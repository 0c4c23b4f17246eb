"""The event bus the API reads: numbered per run, replayable from any seq, awaitable for what comes next."""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Event:
    run_id: str
    seq: int
    type: str
    json: str  # the websocket message, serialised once however many viewers there are

    @property
    def data(self) -> dict:
        return json.loads(self.json)["data"]

    @property
    def status(self) -> str | None:
        return self.data.get("status") if self.type == "status" else None


def number(run_id: str, seq: int, event: dict) -> Event:
    """Give an engine event its seq and its one serialisation."""
    return Event(run_id, seq, event["type"], json.dumps({"seq": seq, **event}, separators=(",", ":")))


class EventBus(Protocol):
    async def publish(self, run_id: str, event: dict) -> Event:
        """Number and store an event, wake its readers, hand it to the recorder."""

    async def read(self, run_id: str, after: int, timeout: float) -> list[Event] | None:
        """Events with seq > after, waiting up to `timeout` for the first; [] when none came in time;
        None when the bus no longer holds the events right after `after` (read those from the database)."""

    async def next_for_recorder(self) -> list[Event]:
        """The next batch of events of all runs, in order, for the recorder (never dropped)."""

    def forget(self, run_id: str) -> None:
        """Drop a deleted run's events."""


def make_bus(settings) -> EventBus:
    from .memory import MemoryBus

    return MemoryBus(settings.replay_buffer)
