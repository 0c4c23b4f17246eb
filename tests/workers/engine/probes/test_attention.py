"""The attention probe from a forward pass's record: every head's weights, labelled, rows summing to 1."""
from __future__ import annotations

import torch

from workers.engine.events import decode
from workers.engine.probes.attention import ATTENTION_VALUES, PROBE, AttentionData, attention_event, heads_sent
from workers.engine.kinds.sequences.model import shift_right

from .models import seq_net

TOKENS = list("abcde")


def recorded_pass(model, x, decoder_input=None) -> list:
    recorded: list = []
    with torch.inference_mode():
        model(x, decoder_input, recorded)
    return recorded


def test_a_causal_block_sends_every_head_with_rows_summing_to_one():
    model = seq_net(5, 5, {"type": "embedding", "dim": 8}, {"type": "positional"},
                    {"type": "transformer_block", "heads": 2, "ff": 8, "causal": True})
    data = attention_event(recorded_pass(model, torch.arange(5)[None]), TOKENS, None)
    AttentionData.model_validate(data)
    (layer,) = data["layers"]
    assert (layer["layer"], layer["name"], layer["kind"], layer["heads"]) == (2, "transformer1", "self", 2)
    assert layer["query_tokens"] == layer["key_tokens"] == TOKENS
    weights = decode(layer["weights"])  # (heads, T, T)
    assert weights.shape == (2, 5, 5)
    assert abs(weights.sum(-1) - 1).max() < 2e-3  # float16
    assert (weights[:, 0, 1:] == 0).all() and (weights[:, 3, 4:] == 0).all()  # nothing from later steps


def test_a_decoder_gives_self_attention_over_its_answer_and_cross_attention_to_the_source():
    model = seq_net(4, 6, {"type": "embedding", "dim": 8}, {"type": "transformer_block", "heads": 2, "ff": 8},
                    {"type": "decoder_block", "heads": 2, "ff": 8})
    x, y = torch.tensor([[1, 2, 3, 4]]), torch.tensor([[5, 4, 3, 2]])
    answer = list("wxyz")
    data = attention_event(recorded_pass(model, x, shift_right(y)), list("abcd"), answer)
    kinds = [(layer["name"], layer["kind"], layer["query_tokens"], layer["key_tokens"]) for layer in data["layers"]]
    assert kinds == [("transformer1", "self", list("abcd"), list("abcd")),
                     ("decoder1", "self", answer, answer),
                     ("decoder1", "cross", answer, list("abcd"))]


def test_fewer_heads_are_sent_where_all_would_pass_the_budget():
    assert heads_sent([torch.zeros(8, 10, 10)]) == ATTENTION_VALUES // 100 and heads_sent([]) == 0  # all fit
    assert heads_sent([torch.zeros(8, 100, 100), torch.zeros(8, 100, 100)]) == ATTENTION_VALUES // 20_000 == 1
    assert heads_sent([torch.zeros(8, 40, 40)], budget=3 * 1600 + 5) == 3


def test_weights_that_are_not_finite_send_nothing():
    model = seq_net(5, 5, {"type": "embedding", "dim": 8}, {"type": "transformer_block", "heads": 2, "ff": 8})
    step, kind, weights = recorded_pass(model, torch.arange(5)[None])[0]
    assert attention_event([(step, kind, weights.clone().fill_(float("nan")))], TOKENS, None) is None


def test_attention_is_a_frame_kept_latest_only():
    assert (PROBE.type, PROBE.cadence.value, PROBE.storage.value) == ("attention", "frame", "latest")
