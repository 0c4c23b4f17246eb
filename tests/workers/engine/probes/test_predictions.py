"""The predictions probe: targets and answers aligned step by step; a decoder answers without the true answer."""
from __future__ import annotations

import math

import torch

from workers.engine.probes.predictions import (PROBE, PredictionsData, decode, generate, token_predictions,
                                               value_predictions)
from workers.engine.kinds.sequences.model import SeqNet
from workers.engine.kinds.sequences.datasets import IGNORE

from .models import layers, seq_net

VOCAB = list("_abcd")


def test_token_answers_are_given_only_where_a_target_is_asked():
    model = seq_net(4, 5, {"type": "embedding", "dim": 4}, {"type": "lstm", "hidden": 4})
    inputs, targets = torch.tensor([[1, 2, 3, 4], [4, 3, 2, 1]]), torch.tensor([[IGNORE, IGNORE, 1, 2], [3, 4, 1, 2]])
    data = token_predictions(model, inputs, targets, VOCAB)
    PredictionsData.model_validate(data)
    first, second = data["samples"]
    assert data["task"] == "classification" and first["input"] == list("abcd")
    assert first["target"] == [None, None, "a", "b"] and second["target"] == list("cdab")
    argmax = model(inputs).argmax(-1)
    assert first["predicted"][:2] == [None, None] and first["predicted"][2:] == [VOCAB[c] for c in argmax[0, 2:]]
    assert second["predicted"] == [VOCAB[c] for c in argmax[1]]


def test_a_decoder_writes_its_answer_without_seeing_the_true_one():
    model = seq_net(4, 5, {"type": "embedding", "dim": 8}, {"type": "transformer_block", "heads": 2, "ff": 8},
                    {"type": "decoder_block", "heads": 2, "ff": 8})
    inputs = torch.tensor([[1, 2, 3, 4]])
    with torch.inference_mode():
        one = decode(model, inputs, torch.tensor([[IGNORE, 1, 2, 3]]))
        other = decode(model, inputs, torch.tensor([[IGNORE, 4, 4, 4]]))  # other true answers, asked at the same steps
    assert torch.equal(one, other) and one[0, 0] == IGNORE and (one[0, 1:] >= 0).all()


def test_value_answers_are_the_activated_outputs_at_the_hidden_steps():
    torch.manual_seed(0)
    model = SeqNet((5, 2), layers("sine", {"type": "gru", "hidden": 3}), 1, 0).eval()
    inputs = torch.tensor([[[0.1, 1.0], [0.2, 1.0], [0.3, 1.0], [0.0, 0.0], [0.0, 0.0]]])  # (P, T, value/known)
    targets = torch.tensor([[math.nan, math.nan, math.nan, 0.4, 0.5]])
    data = value_predictions(model, inputs, targets, torch.tanh)
    PredictionsData.model_validate(data)
    (sample,) = data["samples"]
    assert data["task"] == "regression" and sample["input"] == [0.1, 0.2, 0.3, None, None]
    assert sample["target"] == [None, None, None, 0.4, 0.5]
    with torch.inference_mode():
        expected = torch.tanh(model(inputs)[0, 3:, 0])
    assert sample["predicted"][:3] == [None] * 3 and sample["predicted"][3:] == [round(float(v), 4) for v in expected]
    with torch.no_grad():
        model.output.bias.fill_(math.inf)
    assert value_predictions(model, inputs, targets, lambda x: x) is None


def test_generated_text_is_the_same_at_every_frame_for_a_seed():
    model = seq_net(6, 5, {"type": "embedding", "dim": 4}, {"type": "gru", "hidden": 4})
    prompt = torch.tensor([1, 2, 3])
    with torch.inference_mode():
        text = generate(model, prompt, 5, VOCAB, seed=7)
        again = generate(model, prompt, 5, VOCAB, seed=7)
    assert text == again and text["prompt"] == "abc" and len(text["text"]) == 5 and set(text["text"]) <= set(VOCAB)


def test_predictions_are_a_frame_kept_latest_only():
    assert (PROBE.type, PROBE.cadence.value, PROBE.storage.value) == ("predictions", "frame", "latest")
