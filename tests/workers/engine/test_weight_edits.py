"""A live `set` puts a value into one weight or bias (a student clicking the diagram): at once, shown by a
frame at once, alone or in a batch, and only there."""
from __future__ import annotations

import pytest
import torch

from tests.workers.engine.helpers import of
from tests.workers.engine.kinds.points.test_batched import Together, alone, assert_close, make
from workers.engine.control import Never, parameter_at, set_message
from workers.engine.loop import PAUSED, STEPPED, Run
from workers.engine.events import decode

EDIT = {"weights.0.1.0": 2.5, "weights.2.0.1": -1.25, "biases.1.0": 0.75}  # layers 4, 2, then the output


def test_parameter_paths_name_a_layer_and_a_place():
    assert parameter_at("weights.2.0.1") == ("weights", 2, (0, 1))
    assert parameter_at("biases.0.3") == ("biases", 0, (3,))
    assert parameter_at("weights.0.1") is None and parameter_at("train.l1") is None


def test_an_edit_while_paused_is_in_the_model_and_in_a_frame_at_once():
    events: list[dict] = []
    paused = Run(make(1, 0.03, fps=10.0), events.append, Never(), "cpu")
    assert paused.advance(steps=5) == STEPPED
    paused.deliver("pause")
    assert paused.advance(steps=5) == PAUSED
    shown = len(of(events, "boundary"))
    paused.deliver(set_message(EDIT))
    layers = list(paused.model.linears().values())
    assert layers[0].weight[1, 0].item() == 2.5 and layers[2].weight[0, 1].item() == -1.25
    assert layers[1].bias[0].item() == 0.75
    frames = of(events, "boundary")
    assert len(frames) == shown + 1  # drawn with the edit, though the run is paused
    weights, biases = frames[-1]["data"]["weights"], frames[-1]["data"]["biases"]
    assert decode(weights[0])[1, 0] == 2.5 and decode(weights[2])[0, 1] == -1.25 and decode(biases[1])[0] == 0.75
    assert paused.advance(steps=5) == PAUSED and paused.step == 5  # and it stays paused


def test_an_edit_reaches_a_member_of_a_batch_and_no_other():
    specs = [make(1, 0.03), make(2, 0.03)]
    together = Together(steps=3)
    together.submit(*specs)
    together.tick_until(lambda: together.steps("0") >= 3)
    together.scheduler.control("0", set_message({"weights.0.1.0": 50.0}))
    group = together.scheduler.jobs["0"]
    member = group.runs["0"]
    assert member.model.hidden[0].linear.weight[1, 0].item() == 50.0
    together.tick()
    assert len(group.batch) == 2  # stacked again, with its edit
    stacked = group.batch.params["hidden.0.linear.weight"][group.batch.runs.index(member), 1, 0].item()
    assert stacked == pytest.approx(50.0, abs=1.0)  # trained on from 50, a few steps at lr 0.03
    together.finish()
    assert together.events["0"][-1]["data"]["status"] == "succeeded"
    assert_close(alone(specs[1]), together.metrics("1"))


@pytest.fixture(autouse=True)
def one_thread():
    torch.set_num_threads(1)
