"""A new event kind is its own module and one registration: the event schema and the recorder follow.

The toy kinds here are defined, registered and used without touching any other source file.
"""
from __future__ import annotations

import json

import pytest
from pydantic import Field, ValidationError

from backend.db.models import LOCAL_USER, Run
from backend.db.session import make_engine, make_sessionmaker, migrate
from backend.events import Event
from backend.services.queries import stored_events
from backend.services.recorder import Recorder
from workers.engine.event_schema import EVENT_TYPES, event_union
from workers.engine.events import event
from workers.engine.probes import PROBES, Cadence, Probe, Storage, kept_whole, register, slot
from workers.engine.probes.payload import Payload


class ToyData(Payload):
    """`data` of a `toy` event: one of several probes' scores."""

    probe: int = Field(ge=0)
    score: float


class ToyTotalsData(Payload):
    total: int


TOY = Probe("toy", ToyData, Cadence.FRAME, Storage.LATEST_PER_PROBE, "A toy frame, one probe at a time.")
TOY_TOTALS = Probe("toy_totals", ToyTotalsData, Cadence.EPOCH, Storage.WHOLE, "A toy history, every epoch.")


@pytest.fixture
def toys():
    for probe in (TOY, TOY_TOTALS):
        register(probe)
    yield
    for probe in (TOY, TOY_TOTALS):
        del PROBES[probe.type]


def test_todays_kinds_are_stored_as_before():
    """status, metrics and confusion are history; feature_maps the latest per probe; the rest the latest."""
    by_storage = {storage: {p.type for p in PROBES.values() if p.storage is storage} for storage in Storage}
    assert by_storage == {Storage.WHOLE: {"status", "metrics", "confusion"},
                          Storage.LATEST_PER_PROBE: {"feature_maps"},
                          Storage.LATEST: {"dataset", "boundary", "filters", "misclassified", "attention",
                                           "hidden_states", "embeddings", "time_gradients", "predictions",
                                           "gradient_check", "final_weights", "samples", "latent", "reconstructions"}}
    assert tuple(PROBES) == EVENT_TYPES
    assert not kept_whole("feature_maps:2") and slot("feature_maps:2", {}) == "feature_maps:2"  # a slot stays one


def test_a_registered_kind_is_in_the_event_schema(toys):
    schema = event_union(PROBES.values())
    envelope = {"seq": 3, "step": 10, "epoch": 0.5, "time": 1.0}
    parsed = schema.model_validate({**envelope, "type": "toy", "data": {"probe": 1, "score": 0.5}}).root
    assert type(parsed).__name__ == "ToyEvent" and parsed.data == ToyData(probe=1, score=0.5)
    with pytest.raises(ValidationError):
        schema.model_validate({**envelope, "type": "toy", "data": {"probe": 1, "score": 0.5, "extra": 1}})
    mapping = schema.model_json_schema()["discriminator"]["mapping"]
    assert mapping["toy"].endswith("/ToyEvent") and mapping["toy_totals"].endswith("/ToyTotalsEvent")
    assert set(mapping) == set(EVENT_TYPES) | {"toy", "toy_totals"}


def test_the_recorder_stores_a_registered_kind_as_it_declares(toys, tmp_path):
    url = f"sqlite:///{tmp_path / 'r.db'}"
    migrate(url)
    sessions = make_sessionmaker(make_engine(url))
    with sessions.begin() as session:
        session.add(Run(id="r", owner_id=LOCAL_USER, status="queued", spec={}))
    sent = [("toy", {"probe": p, "score": 0.1}) for p in (0, 1, 0)] + [("toy_totals", {"total": t}) for t in (1, 2)]
    batch = [Event.numbered("r", seq, event(kind, seq, 1.0, 0.1, data)) for seq, (kind, data) in enumerate(sent, 1)]
    Recorder(sessions, bus=None).write(batch)
    with sessions() as session:
        kept = [json.loads(e) for e in stored_events(session, "r", 0)]
    assert [(e["type"], e["seq"]) for e in kept] == [("toy", 2), ("toy", 3), ("toy_totals", 4), ("toy_totals", 5)]
    assert slot("toy", {"probe": 4}) == "toy:4" and kept_whole("toy_totals") and not kept_whole("toy")
