"""The one shape of every event kind: a Probe declares its event type, its cadence, how it is stored and
its payload model; the event model, the event union (event_schema.py) and the recorder's storage rule
are all derived from these declarations (probes/__init__.py holds the registry).

Pure: pydantic and the standard library only.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from functools import cached_property
from typing import Literal

from pydantic import Field, create_model

from .payload import Payload


class Cadence(str, Enum):
    """When a kind's events are sent."""

    STATUS = "status"  # whenever the run's status changes
    START = "start"  # once, as training starts
    FRAME = "frame"  # at most stream.max_fps a second, and always at the start, at each pause and at the end
    MEASUREMENT = "measurement"  # after the metrics are measured (at most max_fps a second), and at the end
    EPOCH = "epoch"  # at the end of every epoch, and where a run ends mid-epoch
    END = "end"  # once, when the run ends


class Storage(str, Enum):
    """What the recorder keeps of a kind: a frame at 20 fps would grow without bound if kept whole."""

    WHOLE = "whole"  # every event, for good: the run's history
    LATEST = "latest"  # only each run's latest event of the kind
    LATEST_PER_PROBE = "latest_per_probe"  # the latest of each data["probe"]: every event shows one of several


class _Envelope(Payload):
    seq: int = Field(ge=1, description="1, 2, 3, ... per run, with no gaps on the live stream.")
    type: str  # each event narrows it to its own literal
    step: int = Field(ge=0, description="Optimizer steps taken so far.")
    epoch: float = Field(ge=0, description="Training progress in epochs (fractions between epochs).")
    time: float = Field(ge=0, description="Seconds since the run's `running` status; 0 for server-written events.")


@dataclass(frozen=True)
class Probe:
    """One event kind, declared beside its payload model and its computation (probes/<type>.py)."""

    type: str  # the event's `type`, and the module's name
    payload: type[Payload]  # the model of the event's `data`
    cadence: Cadence
    storage: Storage
    description: str  # what the event is: the event model's documentation

    def slot(self, data: dict) -> str:
        """Where the recorder keeps this kind's latest event: `feature_maps:3` for probe 3, else the type."""
        return f"{self.type}:{data['probe']}" if self.storage is Storage.LATEST_PER_PROBE else self.type

    @cached_property
    def event_model(self) -> type[_Envelope]:
        """The whole event, `{seq, type, step, epoch, time, data}`, named after the type: `feature_maps` →
        `FeatureMapsEvent` (the OpenAPI schema's name). Built once, so every union shares the same class."""
        name = "".join(part.capitalize() for part in self.type.split("_")) + "Event"
        return create_model(name, __base__=_Envelope, __doc__=self.description, __module__=__name__,
                            type=(Literal[self.type], ...), data=(self.payload, ...))
