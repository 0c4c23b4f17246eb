"""The gradient check: its numbers on known cases, and the lessons that pass and fail it."""
from __future__ import annotations

import torch
from torch import nn

from workers.engine.kinds.points.datasets import make_data
from workers.engine.losses import make_head
from workers.engine.presets import PRESETS_BY_NAME
from workers.engine.probes.gradient_check import GOOD, GradientCheckData, gradient_check, relative_error

from tests.workers.engine.helpers import final, of, run, spec
from .models import layers


def circle_loss(features=("x1", "x2")):
    train, _ = make_data("circle", 120, 0.1, 0.5, list(features), seed=4)
    x = torch.from_numpy(train.inputs).double()
    head = make_head("auto", "classification", "auto")
    y = head.targets(torch.from_numpy(train.labels)).double()
    return lambda net: head.loss(net(x), y)


def mlp(*specs: dict, seed: int = 0):
    from workers.engine.kinds.points.model import MLP
    torch.manual_seed(seed)
    return MLP(2, layers("circle", *specs), 1)


def test_relative_error_is_symmetric_and_zero_when_equal():
    a, b = torch.tensor([1.0, 0.0, 2.0]), torch.tensor([1.0, 0.0, -2.0])
    assert relative_error(a, b).tolist() == [0.0, 0.0, 1.0]


def test_a_quadratic_loss_is_checked_exactly():
    """Central differences are exact on a quadratic: only float64 rounding is left."""
    model = mlp()  # no hidden layer: E = mean(½(w·x + b − y)²) with mse
    train, _ = make_data("plane", 80, 0.0, 0.5, ["x1", "x2"], seed=1)
    x, y = torch.from_numpy(train.inputs).double(), torch.from_numpy(train.labels).double().unsqueeze(1)
    data = gradient_check(model, lambda net: 0.5 * ((net(x) - y) ** 2).mean(), epsilon=1e-3, samples=3)
    GradientCheckData.model_validate(data)
    assert data["checked"] == 3 and [layer["name"] for layer in data["layers"]] == ["output"]
    assert data["max_relative_error"] < 1e-9


def test_a_correct_tanh_network_agrees_below_1e_6_in_float64():
    model = mlp({"units": 8, "activation": "tanh"}, {"units": 8, "activation": "tanh"})
    before = [p.detach().clone() for p in model.parameters()]
    data = gradient_check(model, circle_loss(), epsilon=1e-5, samples=8)
    assert [layer["name"] for layer in data["layers"]] == ["dense1", "dense2", "output"]
    assert data["checked"] == 24 and all(layer["checked"] == 8 for layer in data["layers"])
    assert data["max_relative_error"] < 1e-6
    assert all(torch.equal(a, b) and b.dtype == torch.float32 for a, b in zip(before, model.parameters()))


class WrongGradient(torch.autograd.Function):
    """tanh forward, but a backward that is off by a factor of two: the bug a gradient check exists for."""

    @staticmethod
    def forward(ctx, z):
        ctx.save_for_backward(z)
        return torch.tanh(z)

    @staticmethod
    def backward(ctx, grad):
        (z,) = ctx.saved_tensors
        return grad * 2 * (1 - torch.tanh(z) ** 2)


class Buggy(nn.Module):
    def __init__(self):
        super().__init__()
        torch.manual_seed(0)
        self.hidden, self.output = nn.Linear(2, 4), nn.Linear(4, 1)

    def forward(self, x):
        return self.output(WrongGradient.apply(self.hidden(x)))

    def linears(self):
        return {"dense1": self.hidden, "output": self.output}


def test_a_wrong_backward_fails_the_check_in_the_layers_below_it():
    data = gradient_check(Buggy(), circle_loss(), epsilon=1e-5, samples=6)
    by_name = {layer["name"]: layer["max_relative_error"] for layer in data["layers"]}
    assert by_name["dense1"] > 0.3  # twice the true gradient: |2g − g| / (|2g| + |g|) = 1/3
    assert by_name["output"] < 1e-6  # above the bug, the gradient is right


def lesson(name: str, compare: bool = False):
    preset = PRESETS_BY_NAME[name]
    body = (preset["compare"] if compare else preset)["spec"]
    return spec(**{**body, "stream": {**body["stream"], "max_fps": 0}})


def test_the_passing_lesson_passes_and_the_broken_one_fails():
    good = of(run(lesson("gradient-check")), "gradient_check")
    broken = of(run(lesson("gradient-check-broken")), "gradient_check")
    small_epsilon = of(run(lesson("gradient-check-broken", compare=True)), "gradient_check")
    assert [e["epoch"] for e in good] == [1, 11, 21] == [e["epoch"] for e in broken]
    assert max(e["data"]["max_relative_error"] for e in good) < GOOD * 10  # 1e-6
    assert min(e["data"]["max_relative_error"] for e in broken) > 1e-2
    assert max(e["data"]["max_relative_error"] for e in small_epsilon) < 1e-3


def test_the_check_is_off_by_default_and_sent_every_few_epochs_when_asked():
    quiet = run(spec(data={"dataset": "xor", "n_samples": 40}, train={"epochs": 3}))
    assert of(quiet, "gradient_check") == []
    checked = run(spec(data={"dataset": "xor", "n_samples": 40}, train={"epochs": 5},
                       stream={"max_fps": 0, "gradient_check": {"every": 2, "samples": 3}}))
    events = of(checked, "gradient_check")
    assert final(checked)["status"] == "succeeded"
    assert [e["epoch"] for e in events] == [1, 3, 5]
    assert all(e["data"]["checked"] == 9 and e["data"]["epsilon"] == 1e-5 for e in events)
