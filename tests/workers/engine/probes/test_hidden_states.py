"""The hidden-states probe: every recurrent layer's state at each step of the probe, the first units only."""
from __future__ import annotations

import numpy as np
import torch

from workers.engine.events import decode
from workers.engine.probes.hidden_states import HIDDEN_UNITS, PROBE, HiddenStatesData, hidden_states_event

from .models import seq_net

TOKENS = list("abcdef")


def recorded_pass(model, x) -> list:
    recorded: list = []
    with torch.inference_mode():
        model(x, None, recorded)
    return recorded


def test_a_bidirectional_lstm_sends_its_state_over_the_steps_in_tanh_range():
    model = seq_net(6, 4, {"type": "embedding", "dim": 4}, {"type": "lstm", "hidden": 5, "bidirectional": True},
                    {"type": "transformer_block", "heads": 1, "ff": 4})
    recorded = recorded_pass(model, torch.tensor([[0, 1, 2, 3, 2, 1]]))
    data = hidden_states_event(recorded, TOKENS)
    HiddenStatesData.model_validate(data)
    (layer,) = data["layers"]  # the attention block's record is not a hidden state
    assert (layer["layer"], layer["name"], layer["units"], data["tokens"]) == (1, "lstm1", 10, TOKENS)
    assert (layer["states"]["min"], layer["states"]["max"]) == (-1.0, 1.0)
    states = next(h for _, kind, h in recorded if kind == "hidden")[0].numpy()  # (T, 10)
    assert np.abs(decode(layer["states"]) - states).max() <= 1 / 255 + 1e-6


def test_wide_layers_send_their_first_units_and_relu_rnns_their_observed_range():
    model = seq_net(6, 4, {"type": "embedding", "dim": 4}, {"type": "gru", "hidden": 70},
                    {"type": "rnn", "hidden": 3, "activation": "relu"})
    relu = model.blocks[2].rnn
    with torch.no_grad():  # h_t = relu(2 + h_{t-1} / 2): 2, 3, 3.5, ... past tanh's range
        relu.weight_ih_l0.zero_(), relu.bias_hh_l0.zero_(), relu.bias_ih_l0.fill_(2.0)
        relu.weight_hh_l0.copy_(0.5 * torch.eye(3))
    data = hidden_states_event(recorded_pass(model, torch.tensor([[3, 2, 1, 0, 1, 2]])), TOKENS)
    gru, rnn = data["layers"]
    assert (gru["name"], gru["units"], decode(gru["states"]).shape) == ("gru1", 70, (6, HIDDEN_UNITS))
    assert (rnn["name"], decode(rnn["states"]).shape) == ("rnn1", (6, 3))
    assert (rnn["states"]["min"], rnn["states"]["max"]) == (2.0, 2 + 2 * (1 - 0.5 ** 5))  # the observed range
    assert abs(decode(rnn["states"])[:, 0] - [2, 3, 3.5, 3.75, 3.875, 3.9375]).max() < 0.01


def test_a_state_that_is_not_finite_sends_nothing():
    model = seq_net(6, 4, {"type": "embedding", "dim": 4}, {"type": "gru", "hidden": 3})
    step, kind, states = recorded_pass(model, torch.zeros(1, 6, dtype=torch.long))[0]
    assert hidden_states_event([(step, kind, states.clone().fill_(float("nan")))], TOKENS) is None


def test_hidden_states_are_a_frame_kept_latest_only():
    assert (PROBE.type, PROBE.cadence.value, PROBE.storage.value) == ("hidden_states", "frame", "latest")
