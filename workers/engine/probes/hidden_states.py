"""`hidden_states` events: what every recurrent layer holds at each step of the probe sequence.

An LSTM's h, a GRU's or a vanilla RNN's state: T×H, each unit's value over time (tanh keeps them in
[-1, 1]); a bidirectional layer's forward units come first, then its backward ones.
"""
from __future__ import annotations

import torch
from pydantic import Field

from ..events import quantized
from .base import Cadence, Probe, Storage
from .payload import Payload, Tensor


class HiddenLayer(Payload):
    """One recurrent layer's state at each step of the probe."""

    layer: int = Field(ge=0, description="Its index in `model.layers`.")
    name: str = Field(description="rnn1, lstm1, gru1, ...: as in `metrics.grad_norms`.")
    units: int = Field(ge=1, description="Its output units (hidden × 2 when bidirectional).")
    states: Tensor = Field(description="uint8 T×h: the top layer's hidden state h_t of the first h ≤ 64 units (a "
                           "bidirectional layer's forward units first); min −1 and max 1 but for ReLU RNNs.")


class HiddenStatesData(Payload):
    """`data` of a `hidden_states` event (sequence data, recurrent layers): over the probe's steps."""

    tokens: list[str] = Field(description="The probe's steps, as in `attention`.")
    layers: list[HiddenLayer]


PROBE = Probe("hidden_states", HiddenStatesData, Cadence.FRAME, Storage.LATEST,
              "Recurrent hidden states over the probe sequence, at most stream.max_fps a second.")

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
