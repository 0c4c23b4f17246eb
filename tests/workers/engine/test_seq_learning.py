"""Sequence runs learn what the lessons promise, and their visual events are what the contract says."""
from __future__ import annotations

import numpy as np

from workers.engine.events import decode
from workers.engine.kinds.sequences.datasets import SEQUENCE_DATASETS, make_sequences
from workers.engine.spec import Data

from tests.workers.engine.helpers import final, of, run, spec

EMBED = {"type": "embedding", "dim": 32}


def test_every_sequence_task_is_the_same_for_the_same_seed():
    for name in SEQUENCE_DATASETS:
        first, again = make_sequences(name, Data(dataset=name, n_samples=20)), make_sequences(name, Data(dataset=name,
                                                                                                         n_samples=20))
        other = make_sequences(name, Data(dataset=name, n_samples=20, seed=2))
        assert np.array_equal(first[0].inputs, again[0].inputs) and np.array_equal(first[1].targets, again[1].targets,
                                                                                   equal_nan=True)
        assert not np.array_equal(first[0].inputs, other[0].inputs)


def test_a_two_layer_two_head_transformer_learns_to_reverse():
    events = run(spec(data={"dataset": "reverse", "n_samples": 1000, "test_fraction": 0.2, "length": 8},
                      model={"layers": [EMBED, {"type": "positional"},
                                        {"type": "transformer_block", "heads": 2, "ff": 64},
                                        {"type": "transformer_block", "heads": 2, "ff": 64}]},
                      train={"epochs": 6, "batch_size": 32, "optimizer": {"lr": 0.003}}))
    assert final(events)["summary"]["test_accuracy"] >= 0.95


def copy_run(kind: str) -> float:
    """The best test accuracy of 12 epochs. Clipping keeps Adam's steps from throwing a solved LSTM back (without
    it the accuracy swings by 0.2 between epochs, and where it swings depends on the CPU's arithmetic)."""
    events = run(spec(data={"dataset": "copy", "n_samples": 1000, "test_fraction": 0.2, "length": 2, "delay": 10,
                            "symbols": 4},
                      model={"layers": [{"type": "embedding", "dim": 8}, {"type": kind, "hidden": 32}]},
                      train={"epochs": 12, "batch_size": 16, "optimizer": {"lr": 0.01}, "grad_clip": 1.0,
                             "seed": 2}))
    return max(m["data"]["test_accuracy"] for m in of(events, "metrics"))


def test_an_lstm_remembers_across_a_delay_where_a_vanilla_rnn_fails():
    lstm, rnn = copy_run("lstm"), copy_run("rnn")
    assert lstm >= 0.95 and rnn <= 0.6, (lstm, rnn)  # measured 1.0 and 0.41 at one and two threads


def test_attention_rows_sum_to_one_over_the_probe_and_cross_attention_is_sent():
    events = run(spec(data={"dataset": "addition", "n_samples": 40, "digits": 2},
                      model={"layers": [{"type": "embedding", "dim": 8}, {"type": "positional"},
                                        {"type": "transformer_block", "heads": 2, "ff": 8},
                                        {"type": "transformer_block", "heads": 2, "ff": 8, "causal": True},
                                        {"type": "decoder_block", "heads": 4, "ff": 8}]},
                      train={"epochs": 1}, stream={"max_fps": 60}))
    attention = of(events, "attention")[-1]["data"]
    steps = len(attention["tokens"])
    assert steps == 9 and "".join(attention["tokens"]).endswith("=___")
    assert [(a["name"], a["kind"], a["heads"]) for a in attention["layers"]] == [
        ("transformer1", "self", 2), ("transformer2", "self", 2), ("decoder1", "self", 4), ("decoder1", "cross", 4)]
    for layer in attention["layers"]:
        weights = decode(layer["weights"])
        assert weights.shape == (layer["heads"], steps, steps)
        assert len(layer["query_tokens"]) == len(layer["key_tokens"]) == steps
        assert np.allclose(weights.sum(-1), 1, atol=1e-2)
    assert np.allclose(np.triu(decode(attention["layers"][1]["weights"]), 1), 0)


def test_vanishing_gradients_through_time_and_hidden_states_are_visible():
    events = run(spec(data={"dataset": "copy", "n_samples": 64, "length": 1, "delay": 30},
                      model={"layers": [{"type": "embedding", "dim": 8}, {"type": "rnn", "hidden": 16}]},
                      train={"epochs": 1}, stream={"max_fps": 60}))
    gradients = of(events, "time_gradients")[-1]["data"]
    norms = gradients["norms"]
    assert len(norms) == 32 and gradients["scored"][-1] and not gradients["scored"][0]
    assert norms[0] < norms[-1] / 100  # the letter to remember barely reaches the loss 31 steps later
    hidden = of(events, "hidden_states")[-1]["data"]["layers"][0]
    assert hidden["name"] == "rnn1" and decode(hidden["states"]).shape == (32, 16)


def test_predictions_show_targets_and_answers_and_a_language_model_writes():
    events = run(spec(data={"dataset": "text", "n_samples": 40, "length": 16},
                      model={"layers": [{"type": "embedding", "dim": 8},
                                        {"type": "transformer_block", "heads": 2, "causal": True}]},
                      train={"epochs": 1}, stream={"max_fps": 60}))
    predictions = of(events, "predictions")[-1]["data"]
    sample = predictions["samples"][0]
    assert len(sample["input"]) == len(sample["target"]) == len(sample["predicted"]) == 16
    assert "".join(sample["input"][1:]) == "".join(sample["target"][:-1])
    assert len(predictions["generated"]["prompt"]) == 8 and len(predictions["generated"]["text"]) == 8
