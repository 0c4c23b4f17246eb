"""Events: the contract's shape, compact tensors, small frames, frame rate bounded by max_fps."""
from __future__ import annotations

import json
import math

import numpy as np
import pytest

from workers.engine import loop
from workers.engine.control import Never
from workers.engine.events import decode, quantized, tensor
from workers.engine.probes.boundary import neuron_grid

from tests.workers.engine.helpers import final, of, run, spec

TF = dict(data={"dataset": "circle", "noise": 0.0},
          model={"layers": [{"units": 4}, {"units": 2}], "output_activation": "tanh"},
          train={"loss": "mse", "optimizer": {"name": "sgd", "lr": 0.03}, "epochs": 20})


def test_tensors_round_trip():
    values = np.array([[1.0, -2.0], [0.5, 65504.0]], dtype=np.float32)
    assert (decode(tensor(values)) == values).all()
    assert (decode(tensor(values, "float32")) == values).all()
    q = quantized(np.array([0.0, 0.5, 1.0]), 0.0, 1.0)
    assert q["min"] == 0.0 and q["max"] == 1.0
    assert np.allclose(decode(q), [0, 0.5, 1], atol=1 / 255)


def test_every_event_has_the_contract_shape():
    events = run(spec(**TF, stream={"max_fps": 60}))
    for e in events:
        assert set(e) == {"type", "step", "epoch", "time", "data"}
        json.dumps(e, allow_nan=False)  # strict JSON: no NaN anywhere
    assert [e["type"] for e in events][:2] == ["status", "dataset"]
    assert of(events, "confusion")[-1]["data"]["labels"] == ["0", "1"]
    assert sum(map(sum, of(events, "confusion")[-1]["data"]["matrix"])) == 250


def test_a_boundary_frame_of_the_tf_playground_network_is_under_32_kb():
    frame = of(run(spec(**TF, stream={"max_fps": 60})), "boundary")[-1]
    wire = json.dumps({"seq": 1, **frame}, separators=(",", ":"))
    assert len(wire) <= 32 * 1024
    data = frame["data"]
    assert decode(data["output"]).shape == (64, 64)
    assert len(data["neurons"]) == 6 and decode(data["neurons"][0]["map"]).shape == (32, 32)
    assert data["output"]["min"] == -1.0 and data["output"]["max"] == 1.0  # the tanh output's range


@pytest.mark.parametrize("units", [8, 64, 256])
def test_neuron_maps_share_a_fixed_budget(units):
    g = neuron_grid(units * 2)
    assert 8 <= g <= 32 and (g == 8 or units * 2 * g * g <= 12_000)


def test_frames_are_rate_limited_by_max_fps():
    events = run(spec(**TF, stream={"max_fps": 2}))
    frames = of(events, "boundary")
    seconds = final(events)["summary"]["seconds"]
    # One frame at the start, one at the end, and at most one per 1/max_fps seconds between.
    assert len(frames) <= math.floor(seconds * 2) + 2
    times = [f["time"] for f in frames[:-1]]
    assert all(b - a >= 0.5 - 1e-3 for a, b in zip(times, times[1:]))


def test_costly_frames_come_less_often_so_visuals_keep_to_their_share(monkeypatch):
    # A clock the test moves by hand: a frame that takes 0.1 s at max_fps 20 (every 0.05 s) would take
    # two thirds of the time; instead the next one waits 0.1 / VISUALS_SHARE.
    clock = [100.0]
    monkeypatch.setattr(loop.time, "monotonic", lambda: clock[0])
    run_ = loop.Run(spec(**TF, stream={"max_fps": 20}), lambda event: None, Never(), "cpu")
    produced = []

    def costly_frame():
        produced.append(clock[0])
        clock[0] += 0.1

    run_.frame(False, costly_frame)
    gap = 0.1 / loop.VISUALS_SHARE
    for waited in (0.05, gap / 2, gap - 0.01):
        clock[0] = produced[0] + waited  # `waited` seconds after the frame began
        run_.frame(False, costly_frame)
    assert len(produced) == 1
    clock[0] = produced[0] + gap + 0.001
    run_.frame(False, costly_frame)
    assert len(produced) == 2
    run_.frame(True, costly_frame)  # a forced frame (pause, end) never waits
    assert len(produced) == 3


def test_max_fps_zero_turns_visuals_off_but_not_metrics():
    events = run(spec(**TF, stream={"max_fps": 0}))
    assert not of(events, "boundary") and not of(events, "dataset")
    assert len(of(events, "metrics")) == 20


def test_the_output_map_shows_the_learned_circle():
    frame = of(run(spec(**{**TF, "train": {**TF["train"], "epochs": 60}}, stream={"max_fps": 60})),
               "boundary")[-1]["data"]
    output = decode(frame["output"])
    assert output[32, 32] > 0.5  # the centre of the plane is the inner class (label 1 -> +1)
    assert output[0, 0] < -0.5  # a corner is the outer ring's class
