"""The events a run emits, as pydantic models: the schema of every websocket message and stored event.

Derived from the probe registry (probes/__init__.py): each kind's payload model lives beside its
computation in probes/<type>.py, and its event model is built from its declaration (probes/base.py).

Documentation only: nothing validates events at run time (the engine emits plain dicts, see
events.py and loop.py). The models are published in the OpenAPI document, from which the frontend's
types are generated (frontend/src/lib/generated/), and tests/workers/engine/test_event_schema.py validates
every event of real runs against them, so they cannot drift from what is emitted.

Keys the engine may leave out are optional and have no default in the schema; a key that is present
is never null unless its type says so (a metric that is not finite travels as null).
"""
from __future__ import annotations

from typing import Annotated, Iterable, Union

from pydantic import Field, RootModel

from .probes import PROBES, Probe
from .probes.dataset import DatasetData
from .probes.payload import Tensor


def event_union(probes: Iterable[Probe]) -> type[RootModel]:
    """The model of one event of any of these kinds, discriminated by `type`."""
    models = tuple(probe.event_model for probe in probes)

    class Event(RootModel[Annotated[Union[models], Field(discriminator="type")]]):  # type: ignore[valid-type]
        """One event of a run: a websocket message, or an entry of GET /runs/{id}/events. Discriminated by `type`."""

    return Event


EVENT_MODELS = tuple(probe.event_model for probe in PROBES.values())
EVENT_TYPES = tuple(PROBES)
Event = event_union(PROBES.values())
StatusEvent = PROBES["status"].event_model  # for events written by hand (the server's own status events)

__all__ = ["EVENT_MODELS", "EVENT_TYPES", "DatasetData", "Event", "StatusEvent", "Tensor", "event_union"]
