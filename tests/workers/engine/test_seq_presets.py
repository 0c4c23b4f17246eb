"""The sequence lessons are valid specs and run, streaming their visuals."""
from __future__ import annotations

import pytest

from workers.engine import Limits, Spec, problems
from workers.engine.kinds.sequences.presets import SEQ_PRESETS

from tests.workers.engine.helpers import final, of, run

VARIANTS = [(p["name"], p["spec"]) for p in SEQ_PRESETS] + [(p["name"], p["compare"]["spec"])
                                                            for p in SEQ_PRESETS if "compare" in p]


@pytest.mark.parametrize("name, body", VARIANTS)
def test_each_lesson_runs_and_streams_its_visuals(name, body):
    spec = Spec.model_validate({**body, "stream": {"max_fps": 60}})
    assert problems(spec, Limits()) == []
    spec.train.max_steps = 2
    events = run(spec)
    assert final(events)["status"] == "succeeded"
    assert of(events, "predictions") and of(events, "time_gradients")
    kinds = {layer["type"] for layer in body["model"]["layers"]}
    assert bool(of(events, "attention")) == bool(kinds & {"transformer_block", "decoder_block"})
    assert bool(of(events, "hidden_states")) == bool(kinds & {"rnn", "lstm", "gru"})
