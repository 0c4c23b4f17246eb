"""Sequence layers against torch's own modules and the plan's shapes and parameter counts."""
from __future__ import annotations

import math

import pytest
import torch
from torch import nn

from workers.engine.kinds.sequences.model import SeqNet, shift_right, sinusoids
from workers.engine.kinds.sequences.plan import plan
from workers.engine.kinds.sequences.datasets import IGNORE

from tests.workers.engine.helpers import spec


def layers(*specs: dict) -> list[dict]:
    validated = spec(data={"dataset": "reverse"}, model={"layers": list(specs)})
    return [layer.model_dump() for layer in validated.model.layers]


@pytest.mark.parametrize("kind, module", [("rnn", nn.RNN), ("lstm", nn.LSTM), ("gru", nn.GRU)])
def test_recurrent_shapes_and_parameters_match_torch(kind, module):
    stack = layers({"type": "embedding", "dim": 6}, {"type": kind, "hidden": 5, "num_layers": 2,
                                                      "bidirectional": True})
    planned = plan((7,), stack, 9, vocab=9)
    assert planned.problem is None
    assert [s.shape_out for s in planned.steps] == [(7, 6), (7, 10)]
    reference = module(6, 5, 2, batch_first=True, bidirectional=True)
    assert planned.steps[1].parameters == sum(p.numel() for p in reference.parameters())
    net = SeqNet((7,), stack, 9, 9)
    assert planned.parameters == sum(p.numel() for p in net.parameters())
    assert net(torch.randint(0, 9, (3, 7))).shape == (3, 7, 9)


def test_transformer_block_parameters_and_attention_match_torch():
    stack = layers({"type": "embedding", "dim": 8}, {"type": "positional"},
                   {"type": "transformer_block", "heads": 2, "ff": 16, "width": 12, "causal": True})
    planned = plan((5,), stack, 4, vocab=4)
    net = SeqNet((5,), stack, 4, 4)
    assert planned.steps[2].shape_out == (5, 12)
    assert planned.parameters == sum(p.numel() for p in net.parameters())
    # Our block's attention is torch's MultiheadAttention: its recorded weights are torch's, per head.
    recorded: list = []
    net.eval()
    with torch.no_grad():
        net(torch.randint(0, 4, (2, 5)), record=recorded)
    (step, kind, weights), = recorded
    assert (step.name, kind, weights.shape) == ("transformer1", "self", (2, 2, 5, 5))
    assert torch.allclose(weights.sum(-1), torch.ones(2, 2, 5), atol=1e-5)
    assert torch.all(weights.triu(1) == 0)  # causal: nothing from later steps


def test_attention_weights_are_softmax_of_scaled_scores():
    """The course's formula, softmax(QKᵀ/√d_k), head by head, against what the module reports."""
    torch.manual_seed(0)
    attention = nn.MultiheadAttention(8, 2, batch_first=True)
    x = torch.randn(1, 4, 8)
    _, reported = attention(x, x, x, need_weights=True, average_attn_weights=False)
    q, k, _ = (x @ attention.in_proj_weight.T + attention.in_proj_bias).chunk(3, dim=-1)
    q, k = (t.view(1, 4, 2, 4).transpose(1, 2) for t in (q, k))  # (B, heads, T, d_k)
    expected = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(4), dim=-1)
    assert torch.allclose(reported, expected, atol=1e-5)


def test_sinusoids_follow_the_formula():
    table = sinusoids(10, 6)
    assert table.shape == (10, 6)
    assert math.isclose(table[3, 2], math.sin(3 / 10000 ** (2 / 6)), rel_tol=1e-5)
    assert math.isclose(table[3, 3], math.cos(3 / 10000 ** (2 / 6)), rel_tol=1e-5)


def test_decoder_counts_its_input_embedding_and_shifts_the_target():
    stack = layers({"type": "embedding", "dim": 8}, {"type": "positional", "encoding": "learned"},
                   {"type": "decoder_block", "heads": 4, "ff": 8})
    net = SeqNet((6,), stack, 13, 13)
    assert plan((6,), stack, 13, 13).parameters == sum(p.numel() for p in net.parameters())
    targets = torch.tensor([[IGNORE, IGNORE, 3, 4, 5, 6]])
    assert shift_right(targets).tolist() == [[0, 0, 0, 3, 4, 5]]
    recorded: list = []
    net(torch.randint(0, 13, (1, 6)), shift_right(targets), recorded)
    assert [(kind, tuple(w.shape)) for _, kind, w in recorded] == [("self", (1, 4, 6, 6)), ("cross", (1, 4, 6, 6))]


def test_values_go_straight_into_a_recurrent_layer():
    stack = [{"type": "lstm", "hidden": 4, "num_layers": 1, "bidirectional": False}]
    planned = plan((10, 2), stack, 1, vocab=0)
    assert planned.problem is None and planned.steps[0].shape_out == (10, 4)
