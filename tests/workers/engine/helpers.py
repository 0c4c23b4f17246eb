"""Run the engine in-process and look at what it emitted."""
from __future__ import annotations

from workers.engine import Spec, train
from workers.engine.control import Never


def spec(**sections) -> Spec:
    """A spec from sections, with visual events off unless a test asks for them."""
    body = {"stream": {"max_fps": 0}, **sections}
    return Spec.model_validate(body)


def run(spec_: Spec, control=None) -> list[dict]:
    events: list[dict] = []
    train(spec_, events.append, control or Never())
    return events


def of(events: list[dict], kind: str) -> list[dict]:
    return [e for e in events if e["type"] == kind]


def final(events: list[dict]) -> dict:
    assert events[-1]["type"] == "status", events[-1]
    return events[-1]["data"]
