"""`hidden_states` events: what every recurrent layer holds at each step of the probe sequence.

An LSTM's h, a GRU's or a vanilla RNN's state: T×H, each unit's value over time (tanh keeps them in
[-1, 1]); a bidirectional layer's forward units come first, then its backward ones.
"""
from __future__ import annotations

import torch

from ..events import quantized

HIDDEN_UNITS = 64  # units sent per layer, the first ones


def hidden_states_event(recorded: list, tokens: list[str]) -> dict | None:
    layers = []
    for step, kind, states in recorded:
        if kind != "hidden":
            continue
        values = states[0, :, :HIDDEN_UNITS].float()  # (T, h)
        if not torch.isfinite(values).all():
            return None
        bounded = step.layer["type"] != "rnn" or step.layer["activation"] == "tanh"
        layers.append({"layer": step.path[0], "name": step.name, "units": states.shape[-1],
                       "states": quantized(values, -1.0, 1.0) if bounded else quantized(values)})
    return {"tokens": tokens, "layers": layers}
