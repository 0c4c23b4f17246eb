"""The 2-D points' network: a multi-layer perceptron on the chosen input features."""
from __future__ import annotations

import torch
from torch import nn

from ...layers import Dense


class MLP(nn.Module):
    """Hidden Dense layers, then a plain linear output layer (its activation lives in the loss)."""

    def __init__(self, n_inputs: int, layers: list[dict], n_outputs: int):
        super().__init__()
        fan_in, hidden = n_inputs, []
        for layer in layers:
            hidden.append(Dense(fan_in, layer["units"], layer["activation"],
                                layer.get("dropout", 0.0), layer.get("batchnorm", False)))
            fan_in = layer["units"]
        self.hidden = nn.ModuleList(hidden)
        self.output = nn.Linear(fan_in, n_outputs)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for layer in self.hidden:
            x = layer(x)
        return self.output(x)

    def forward_with_hidden(self, x: torch.Tensor) -> tuple[torch.Tensor, list[torch.Tensor]]:
        """The output and every hidden layer's activations (B, units), for the neuron maps."""
        activations = []
        for layer in self.hidden:
            x = layer(x)
            activations.append(x)
        return self.output(x), activations

    def linears(self) -> dict[str, nn.Linear]:
        """The weight layers by display name: dense1, dense2, ..., output."""
        named = {f"dense{i + 1}": layer.linear for i, layer in enumerate(self.hidden)}
        named["output"] = self.output
        return named


def weight_shapes(spec) -> list[tuple[int, int]]:
    """(out, in) of each weight layer MLP builds for `spec`, the hidden layers then the output (what a
    parameter path of a live `set` may point into)."""
    from ...choices import output_units
    from ...datasets import dataset_of, n_classes

    name = spec.data.dataset
    sizes = [n_inputs(spec.data), *(layer.units for layer in spec.model.layers),
             output_units(spec.train.loss, dataset_of(spec.data).task, n_classes(name, spec.data))]
    return list(zip(sizes[1:], sizes[:-1]))


def n_inputs(data) -> int:
    """The network's inputs: the chosen features, or every feature column of an uploaded dataset."""
    return len(data.table.columns) if data.table is not None else len(data.features)
