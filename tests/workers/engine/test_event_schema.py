"""The published event schema (workers/engine/event_schema.py) matches what real runs emit.

Every event of a few tiny runs, covering every kind and every way a run ends, is numbered as the bus
numbers it, sent through JSON as the websocket sends it, and validated against the closed models: a
key the engine starts to emit, or one it stops emitting, fails here until the schema follows.
"""
from __future__ import annotations

import json

import numpy as np
import pytest
import torch
from pydantic import ValidationError

from workers.engine.control import Scripted
from workers.engine.event_schema import EVENT_TYPES, Event, StatusEvent, Tensor
from workers.engine.events import quantized, tensor

from tests.workers.engine.helpers import final, of, run, spec

VISUAL = {"max_fps": 60, "grid": 16}


def cases() -> dict[str, tuple]:
    """name: (spec, control actions or None)."""
    specs = {
        # classification with visuals: status, dataset, boundary, metrics, confusion; dropout and batch norm
        "classification": spec(data={"dataset": "circle", "n_samples": 60, "seed": 3},
                               model={"layers": [{"units": 4, "activation": "tanh", "dropout": 0.1},
                                                 {"units": 3, "activation": "relu", "batchnorm": True}]},
                               train={"epochs": 3, "seed": 3}, stream=VISUAL),
        # regression with a penalty and a schedule: no accuracies, a penalty, a regression dataset event
        "regression": spec(data={"dataset": "plane", "n_samples": 40},
                           model={"layers": [{"units": 3, "activation": "sigmoid"}]},
                           train={"epochs": 2, "l2": 0.01, "schedule": {"name": "step", "every": 1, "gamma": 0.5}},
                           stream=VISUAL),
        # diverges: a metrics event with a null train_loss, then a failed status with a message
        "diverged": spec(data={"dataset": "plane", "n_samples": 100},
                         model={"layers": [{"units": 8, "activation": "relu"}]},
                         train={"optimizer": {"name": "sgd", "lr": 10.0}, "epochs": 50}, stream=VISUAL),
        # three classes (a boundary with a classes map, a 3-class dataset event) and a gradient check
        "multiclass": spec(data={"dataset": "blobs", "classes": 3, "n_samples": 30},
                           model={"layers": [{"units": 3, "activation": "tanh"}]}, train={"epochs": 2},
                           stream={**VISUAL, "gradient_check": {"every": 1, "samples": 2}}),
        "max_steps": spec(data={"dataset": "xor", "n_samples": 40}, train={"epochs": 10, "max_steps": 3}),
        "early_stopping": spec(data={"dataset": "gauss", "n_samples": 40},
                               train={"epochs": 30, "early_stopping": {"patience": 1, "min_delta": 10.0}}),
        # images: filters, feature_maps, misclassified and a 6-class confusion; a residual block with a projection
        "images": spec(data={"dataset": "shapes", "n_samples": 36, "augment": {"shift": 1, "flip": True}},
                       model={"layers": [{"type": "conv2d", "filters": 3, "kernel": 5, "padding": "valid"},
                                         {"type": "maxpool2d"},
                                         {"type": "residual", "layers": [{"type": "conv2d", "filters": 4, "stride": 2},
                                                                         {"type": "batchnorm"}]},
                                         {"type": "avgpool2d"}, {"type": "flatten"}, {"type": "dropout"},
                                         {"units": 5, "activation": "relu"}]},
                       train={"epochs": 2, "batch_size": 8}, stream=VISUAL),
        # autoencoders: latent (projected: a code of 3) and reconstructions with the clean targets (denoising)
        "autoencoder": spec(data={"dataset": "ae-digits", "n_samples": 40},
                            model={"layers": [{"type": "conv2d", "filters": 2, "stride": 2}, {"type": "maxpool2d"}],
                                   "autoencoder": {"code": 3, "noise": 0.2}},
                            train={"epochs": 2}, stream=VISUAL),
        # sequences: self- and cross-attention, token predictions, time gradients (encoder–decoder on addition)
        "seq2seq": spec(data={"dataset": "addition", "n_samples": 20, "digits": 1},
                        model={"layers": [{"type": "embedding", "dim": 8},
                                          {"type": "positional", "encoding": "learned"},
                                          {"type": "transformer_block", "heads": 2, "ff": 8},
                                          {"type": "decoder_block", "heads": 2, "ff": 8}]},
                        train={"epochs": 1}, stream=VISUAL),
        # hidden states and generated text (a GRU language model); value predictions (an RNN on sine)
        "text": spec(data={"dataset": "text", "n_samples": 20, "length": 12},
                     model={"layers": [{"type": "embedding", "dim": 8}, {"type": "gru", "hidden": 8}]},
                     train={"epochs": 1}, stream=VISUAL),
        "sine": spec(data={"dataset": "sine", "n_samples": 20, "length": 10, "horizon": 3},
                     model={"layers": [{"type": "rnn", "hidden": 8, "activation": "relu", "bidirectional": True}]},
                     train={"epochs": 1}, stream=VISUAL),
        # real and generated points over the discriminator's field (a GAN)
        "gan": spec(data={"dataset": "ring", "n_samples": 40}, model={"layers": [{"units": 4}]},
                    gan={"discriminator": {"layers": [{"units": 4}]}}, train={"epochs": 1}, stream=VISUAL),
    }
    # pause, step (one epoch, then paused again), resume, then stop: paused, running and cancelled statuses
    controlled = spec(data={"dataset": "xor", "n_samples": 40}, train={"epochs": 20}, stream=VISUAL)
    return {**{name: (s, None) for name, s in specs.items()},
            "controlled": (controlled, [None, "pause", "step", "resume", None, None, "stop"])}


def wire(events: list[dict]) -> list[str]:
    """The events as websocket messages: numbered from 1 as the bus numbers them, strict JSON."""
    return [json.dumps({"seq": seq, **e}, allow_nan=False) for seq, e in enumerate(events, 1)]


@pytest.fixture(scope="module")
def runs() -> dict[str, list[dict]]:
    torch.set_num_threads(1)  # as conftest's one_thread, which a module fixture runs before
    return {name: run(s, Scripted(actions) if actions else None) for name, (s, actions) in cases().items()}


def test_every_emitted_event_validates(runs):
    for name, events in runs.items():
        for message in wire(events):
            try:
                parsed = Event.model_validate_json(message).root
            except ValidationError as error:
                raise AssertionError(f"run {name!r}: the schema does not describe {message[:300]}\n{error}") from None
            assert parsed.type == json.loads(message)["type"]


def test_the_runs_cover_every_kind_and_ending(runs):
    every = [e for events in runs.values() for e in events]
    assert {e["type"] for e in every} == set(EVENT_TYPES)
    assert {final(events)["status"] for events in runs.values()} == {"succeeded", "failed", "cancelled"}
    statuses = {e["data"]["status"] for e in of(every, "status")}
    assert {"running", "paused"} <= statuses
    metrics = [e["data"] for e in of(every, "metrics")]
    assert any(m["train_loss"] is None for m in metrics)  # the diverged run
    assert any("penalty" in m for m in metrics) and any("train_accuracy" not in m for m in metrics)
    assert {e["data"]["task"] for e in of(every, "dataset")} == {"classification", "regression"}
    assert any("message" in final(events) for events in runs.values())


def test_server_written_status_events_validate():
    """The statuses the server writes itself (backend/services, backend/runners, workers/)."""
    for data in ({"status": "queued", "attempt": 1},
                 {"status": "queued", "attempt": 2, "message": "the worker training attempt 1 went silent"},
                 {"status": "cancelled", "message": "stopped before it started"},
                 {"status": "failed", "message": "interrupted: the server stopped while this run was training"}):
        StatusEvent.model_validate({"seq": 1, "type": "status", "step": 0, "epoch": 0.0, "time": 0.0, "data": data})


def test_the_schema_is_closed_and_strict():
    base = {"seq": 1, "type": "status", "step": 0, "epoch": 0.0, "time": 0.0}
    with pytest.raises(ValidationError):
        Event.model_validate({**base, "data": {"status": "running", "colour": 1}})  # an undeclared key
    with pytest.raises(ValidationError):
        Event.model_validate({**base, "data": {"status": "running", "message": None}})  # absent, never null
    with pytest.raises(ValidationError):
        Event.model_validate({**base, "type": "nonsense", "data": {}})
    with pytest.raises(ValidationError):
        Event.model_validate({**base, "seq": 0, "data": {"status": "running"}})


def test_tensors_must_be_consistent():
    Tensor.model_validate(tensor(np.zeros((2, 3))))
    Tensor.model_validate(quantized(np.zeros((4, 4))))
    with pytest.raises(ValidationError, match="needs min and max"):
        Tensor.model_validate({k: v for k, v in quantized(np.zeros(3)).items() if k != "min"})
    with pytest.raises(ValidationError, match="bytes of data"):
        Tensor.model_validate({**tensor(np.zeros((2, 3))), "shape": [2, 2]})
