"""R copies of one MLP structure as one computation: the stacked forward pass and the per-run losses.

Every parameter and buffer of layers.MLP is stacked by its state_dict name into a (R, ...) tensor; a
linear layer is one batched matmul (baddbmm) over the runs. Measured against torch.func.vmap over
functional_call for the TF Playground's 4-2 tanh network (bench/batched.py), the hand-written batched
matmul is the faster, and it is also the one that can reproduce an alone run exactly: batch norm keeps
per-run running statistics in place (vmap cannot update buffers), and each run's dropout masks come from
its own generator (vmap's randomness="different" draws every run's from one).
"""
from __future__ import annotations

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from ...layers import ACTIVATION_MODULES
from ...losses import Head


def stack_states(models: list[nn.Module]) -> tuple[dict[str, torch.Tensor], dict[str, torch.Tensor]]:
    """The models' parameters (new leaves that require grad) and buffers, stacked by name: (R, ...)."""
    params = {name: torch.stack([dict(m.named_parameters())[name].detach() for m in models]).requires_grad_()
              for name, _ in models[0].named_parameters()}
    buffers = {name: torch.stack([dict(m.named_buffers())[name] for m in models])
               for name, _ in models[0].named_buffers()}
    return params, buffers


def _channels(x: torch.Tensor) -> torch.Tensor:
    """(R, B, C) -> (B, R·C): every run's channels side by side, for the per-channel ops (batch norm,
    PReLU), which then treat R runs as R·C independent channels: exactly what each run alone computes."""
    r, b, c = x.shape
    return x.transpose(0, 1).reshape(b, r * c)


def _unchannels(x: torch.Tensor, r: int) -> torch.Tensor:
    b, rc = x.shape
    return x.reshape(b, r, rc // r).transpose(0, 1)


def _linear(x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
    """F.linear per run: the bias first, then the product added to it, as addmm does."""
    return torch.baddbmm(bias.unsqueeze(1), x, weight.transpose(1, 2))


def _linear_wide(x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
    """The same for the evaluation's hundreds of rows a run, where baddbmm is 1.5-5 times slower on the
    CPU than the product, then the bias (measured for 60 runs of 500 rows, 2 to 4 wide)."""
    return torch.bmm(x, weight.transpose(1, 2)) + bias.unsqueeze(1)


def _tanh(x: torch.Tensor) -> torch.Tensor:
    """tanh without a gradient; on the CPU numpy's, 7 times torch's there (983k float32 values: 0.36 ms
    against 2.6 ms on our AVX-512 EPYC), where a frame of 60 runs spends most of its time in tanh."""
    return torch.from_numpy(np.tanh(x.numpy())) if x.device.type == "cpu" else torch.tanh(x)


class StackedMLP:
    """The forward pass of layers.MLP for R runs of one structure, on stacked parameters."""

    def __init__(self, layers: list[dict]):
        self.layers = layers
        self.activations = [ACTIVATION_MODULES[layer["activation"]](layer["units"]) for layer in layers]
        self.weight_names = [f"hidden.{i}.linear.weight" for i in range(len(layers))] + ["output.weight"]
        self.bias_names = [name.replace("weight", "bias") for name in self.weight_names]

    def forward(self, params: dict, buffers: dict, x: torch.Tensor, training: bool,
                noise=None, hidden: list | None = None) -> torch.Tensor:
        """x (R, B, F) -> (R, B, n_outputs). `noise(layer index, shape)` gives a dropout layer's scaled
        masks (R, B, units) in training; batch norm uses and updates the per-run running statistics.
        `hidden`, if given, receives every hidden layer's activations (R, B, units), as MLP.forward_with_hidden."""
        r = x.shape[0]
        linear = _linear if training else _linear_wide
        for i, (layer, activation) in enumerate(zip(self.layers, self.activations)):
            name = f"hidden.{i}."
            x = linear(x, params[name + "linear.weight"], params[name + "linear.bias"])
            if layer["batchnorm"]:
                if training:
                    buffers[name + "norm.num_batches_tracked"] += 1
                x = _unchannels(F.batch_norm(
                    _channels(x), buffers[name + "norm.running_mean"].view(-1),
                    buffers[name + "norm.running_var"].view(-1), params[name + "norm.weight"].reshape(-1),
                    params[name + "norm.bias"].reshape(-1), training, 0.1, 1e-5), r)  # BatchNorm1d's defaults
            if layer["activation"] == "prelu":
                x = _unchannels(F.prelu(_channels(x), params[name + "activation.weight"].reshape(-1)), r)
            elif layer["activation"] == "maxout":  # over the channels of (R·B, C)
                x = activation(x.flatten(0, 1)).unflatten(0, (r, -1))
            else:  # element-wise (evaluating, the faster tanh: within float32's rounding of torch's)
                x = _tanh(x) if not training and layer["activation"] == "tanh" else activation(x)
            if training and layer["dropout"] > 0:
                x = x * noise(i, x.shape)
            if hidden is not None:
                hidden.append(x)
        return linear(x, params["output.weight"], params["output.bias"])

    @torch.no_grad()
    def forward_shared(self, params: dict, buffers: dict, x: torch.Tensor,
                       hidden: list | None = None) -> torch.Tensor:
        """forward() in eval mode of R runs over the same inputs x (G, F) (the boundary's grids) -> (R, G,
        n_outputs). Its layout is channels first, (R, units, G): each layer is then a product of small
        weights with G-wide rows, the first one for all runs at once, batch norm and PReLU see R·C channels
        and maxout its own: for 60 TF-default runs over a 64² grid, a tenth of forward()'s time (bmm over
        (R, G, units) and torch's tanh). `hidden` receives (R, G, units) views."""
        runs = params["output.bias"].shape[0]
        weight, bias = params[self.weight_names[0]], params[self.bias_names[0]]
        points = x.shape[0]
        x = torch.addmm(bias.reshape(-1, 1), weight.reshape(-1, weight.shape[2]), x.T.contiguous())
        x = x.view(runs, -1, points)  # (R, units, G) of the first layer
        for i, (layer, activation) in enumerate(zip(self.layers, self.activations)):
            name = f"hidden.{i}."
            if i > 0:
                x = torch.baddbmm(params[name + "linear.bias"].unsqueeze(2), params[name + "linear.weight"], x)
            if layer["batchnorm"]:
                x = F.batch_norm(x.reshape(1, -1, x.shape[2]), buffers[name + "norm.running_mean"].view(-1),
                                 buffers[name + "norm.running_var"].view(-1), params[name + "norm.weight"].reshape(-1),
                                 params[name + "norm.bias"].reshape(-1), False, 0.1, 1e-5).view(x.shape)
            if layer["activation"] == "prelu":
                x = F.prelu(x.reshape(1, -1, x.shape[2]), params[name + "activation.weight"].reshape(-1)).view(x.shape)
            else:  # element-wise, or maxout over each run's channels
                x = _tanh(x) if layer["activation"] == "tanh" else activation(x)
            if hidden is not None:
                hidden.append(x.transpose(1, 2))
        if self.layers:
            x = torch.baddbmm(params["output.bias"].unsqueeze(2), params["output.weight"], x)
        return x.transpose(1, 2)

    def weights(self, params: dict) -> tuple[list[torch.Tensor], list[torch.Tensor]]:
        """Every layer's stacked weights (R, out, in) and biases (R, out): the hidden layers, then the output."""
        return [params[n] for n in self.weight_names], [params[n] for n in self.bias_names]


def per_run_loss(head: Head, out: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """(R,) each run's Head.loss over its own rows of out (R, B, C); a test holds it to Head.loss."""
    if head.loss_name == "bce":
        return F.binary_cross_entropy_with_logits(out, targets, reduction="none").mean((1, 2))
    if head.loss_name == "cross_entropy":
        return F.cross_entropy(out.flatten(0, 1), targets.flatten(), reduction="none").view(targets.shape).mean(1)
    return 0.5 * F.mse_loss(head.activate(out), targets, reduction="none").mean((1, 2))
