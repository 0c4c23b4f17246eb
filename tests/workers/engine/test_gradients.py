"""Autograd against finite differences, and the symmetry zero initialisation never breaks."""
from __future__ import annotations

import torch

from workers.engine.kinds.points.model import MLP
from workers.engine.layers import initialise
from workers.engine.losses import make_head
from workers.engine.regularizers import penalty_fn
from workers.engine.spec import Train

from tests.workers.engine.helpers import of, run, spec


def test_autograd_matches_central_finite_differences():
    torch.manual_seed(0)
    layers = [{"units": 3, "activation": "tanh"}, {"units": 2, "activation": "softplus"}]
    model = MLP(2, layers, 1).double()
    head = make_head("bce", "classification", "auto")
    penalty = penalty_fn(Train(l1=0.01, l2=0.02, weight_elimination={"lambda": 0.05, "beta": 1.0}), model)
    x = torch.randn(8, 2, dtype=torch.float64)
    y = head.targets((torch.rand(8) > 0.5).double())

    def loss() -> torch.Tensor:
        return head.loss(model(x), y) + penalty()

    model.zero_grad()
    loss().backward()
    eps = 1e-6
    for param in model.parameters():
        numeric = torch.zeros_like(param)
        flat, grad = param.data.view(-1), numeric.view(-1)
        for i in range(flat.numel()):
            original = flat[i].item()
            flat[i] = original + eps
            plus = loss().item()
            flat[i] = original - eps
            minus = loss().item()
            flat[i] = original
            grad[i] = (plus - minus) / (2 * eps)
        assert torch.allclose(param.grad, numeric, rtol=1e-5, atol=1e-7)


def test_zero_init_leaves_the_hidden_units_of_a_layer_identical():
    s = spec(data={"dataset": "gauss", "n_samples": 100},
             model={"layers": [{"units": 4, "activation": "sigmoid"}, {"units": 3, "activation": "sigmoid"}],
                    "init": "zeros"},
             train={"optimizer": {"name": "adam", "lr": 0.05}, "epochs": 10}, stream={"max_fps": 60})
    frame = of(run(s), "boundary")[-1]["data"]
    from workers.engine.events import decode

    for layer in (0, 1):
        maps = [decode(n["map"]) for n in frame["neurons"] if n["layer"] == layer]
        assert all((m == maps[0]).all() for m in maps)
        assert maps[0].max() - maps[0].min() > 0.01  # they learned something, all the same thing
    # Not identical by accident: with Glorot initialisation the same units differ.
    frame = of(run(s.model_copy(update={"model": s.model.model_copy(update={"init": "xavier_uniform"})})),
               "boundary")[-1]["data"]
    maps = [decode(n["map"]) for n in frame["neurons"] if n["layer"] == 0]
    assert any((m != maps[0]).any() for m in maps[1:])


def test_zero_init_weights_stay_equal_across_units():
    torch.manual_seed(0)
    model = MLP(2, [{"units": 4, "activation": "tanh"}], 1)
    initialise(model, "zeros")
    model.output.weight.data.fill_(0.3)  # even a nonzero output layer cannot tell the hidden units apart
    head = make_head("bce", "classification", "auto")
    optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
    x, y = torch.randn(32, 2), head.targets((torch.rand(32) > 0.5).float())
    for _ in range(20):
        optimizer.zero_grad()
        head.loss(model(x), y).backward()
        optimizer.step()
    w = model.hidden[0].linear.weight
    assert torch.allclose(w, w[0].expand_as(w))
