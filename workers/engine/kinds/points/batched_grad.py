"""A batch's gradients written out by hand, for the MLPs a class mostly trains (the TF Playground's).

For a 30-run batch of the 4-2 tanh network, autograd's graph (its nodes, its engine) costs more than the
arithmetic it records, a third of the step (bench/classroom.py's profile). For element-wise tanh, sigmoid,
ReLU or linear layers without batch norm or dropout, under a squared-error or logistic loss and no weight
penalty, the forward pass here is the same ops as batched_net.StackedMLP's (so the same values), and the
backward pass the derivatives autograd would take, as batched matmuls: each run's gradients in its slice
of every stacked parameter's .grad, equal to autograd's up to rounding (a test holds them to it). Any
other batch takes the autograd path.
"""
from __future__ import annotations

import torch

from ...losses import Head

# Each activation (as ACTIVATION_MODULES computes it) and its derivative from its output y, as autograd's
# backward computes it (tanh_backward, sigmoid_backward, threshold_backward); None: the identity.
FORWARD = {"tanh": torch.tanh, "sigmoid": torch.sigmoid, "relu": torch.relu, "linear": None}
BACKWARD = {
    "tanh": lambda g, y: g * (1 - y * y),
    "sigmoid": lambda g, y: g * (1 - y) * y,
    "relu": lambda g, y: torch.where(y > 0, g, 0.0),
    "linear": None,
}


def by_hand(layers: list[dict], head: Head, penalised: bool) -> bool:
    """Whether gradients() can take this batch's step (else autograd does)."""
    return (not penalised and all(layer["activation"] in FORWARD and not layer["batchnorm"] and not layer["dropout"]
                                  for layer in layers)
            and (head.loss_name == "bce" or (head.loss_name == "mse" and head.output_activation in FORWARD)))


@torch.no_grad()
def gradients(params: dict[str, torch.Tensor], layers: list[dict], head: Head, x: torch.Tensor,
              y: torch.Tensor) -> None:
    """Set every stacked parameter's .grad to the gradient of the sum over runs of each run's mean loss
    (batched_net.per_run_loss) on inputs x (R, B, F) and targets y (R, B, C)."""
    weights = [params[f"hidden.{i}.linear.weight"] for i in range(len(layers))] + [params["output.weight"]]
    biases = [params[f"hidden.{i}.linear.bias"] for i in range(len(layers))] + [params["output.bias"]]
    inputs = [x]  # each linear layer's input
    for layer, w, b in zip(layers, weights, biases):
        h = torch.baddbmm(b.unsqueeze(1), inputs[-1], w.transpose(1, 2))
        if (forward := FORWARD[layer["activation"]]) is not None:
            h = forward(h)
        inputs.append(h)
    out = torch.baddbmm(biases[-1].unsqueeze(1), inputs[-1], weights[-1].transpose(1, 2))
    scale = 1.0 / (out.shape[1] * out.shape[2])  # each run's loss is a mean over its rows and outputs
    if head.loss_name == "bce":  # d/d out of BCE with logits: sigmoid(out) - y
        g = (torch.sigmoid(out) - y) * scale
    else:  # ½ (a - y)², a = the output activation of out
        forward = FORWARD[head.output_activation]
        a = forward(out) if forward is not None else out
        g = (a - y) * scale
        if (backward := BACKWARD[head.output_activation]) is not None:
            g = backward(g, a)
    for i in range(len(weights) - 1, -1, -1):
        weights[i].grad = torch.bmm(g.transpose(1, 2), inputs[i])
        biases[i].grad = g.sum(1)
        if i == 0:
            break
        g = torch.bmm(g, weights[i])
        if (backward := BACKWARD[layers[i - 1]["activation"]]) is not None:
            g = backward(g, inputs[i])
