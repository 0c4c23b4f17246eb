"""Every activation, optimizer, schedule and regularizer runs and changes what it should."""
from __future__ import annotations

import math

import pytest
import torch

from workers.engine.choices import ACTIVATIONS, INITS
from workers.engine.kinds.points.model import MLP
from workers.engine.layers import initialise
from workers.engine.optim_spec import SCHEDULES
from workers.engine.regularizers import penalty_fn
from workers.engine.spec import Train

from tests.workers.engine.helpers import final, of, run, spec

SMALL = {"dataset": "circle", "n_samples": 80}


def weights_after(train: dict, model: dict | None = None, epochs: int = 3) -> list[dict]:
    events = run(spec(data=SMALL, model=model or {"layers": [{"units": 4}]}, train={"epochs": epochs, **train}))
    assert final(events)["status"] == "succeeded", final(events)
    return of(events, "metrics")


@pytest.mark.parametrize("activation", list(ACTIVATIONS))
def test_every_activation_trains_and_shapes_the_function(activation):
    torch.manual_seed(0)
    model = MLP(2, [{"units": 3, "activation": activation}], 1)
    x = torch.linspace(-3, 3, 61).unsqueeze(1).repeat(1, 2)
    with torch.no_grad():
        hidden = model.hidden[0](x)
    if activation == "linear":
        second_difference = hidden[2:] - 2 * hidden[1:-1] + hidden[:-2]
        assert second_difference.abs().max() < 1e-5  # a straight line
    else:
        assert not torch.allclose(hidden, model.hidden[0].linear(x)[:, :3])  # it bends the line
    lo_hi = ACTIVATIONS[activation].range
    if lo_hi:
        assert lo_hi[0] <= hidden.min() and hidden.max() <= lo_hi[1]
    metrics = weights_after({"optimizer": {"name": "adam", "lr": 0.05}},
                            {"layers": [{"units": 4, "activation": activation}]})
    assert metrics[-1]["data"]["train_loss"] < metrics[0]["data"]["train_loss"]


@pytest.mark.parametrize("init", list(INITS))
def test_every_init_sets_the_scale_it_promises(init):
    torch.manual_seed(0)
    model = MLP(2, [{"units": 64, "activation": "relu"}], 1)
    initialise(model, init)
    w = model.hidden[0].linear.weight
    assert (model.hidden[0].linear.bias == 0).all()
    expected_std = {"zeros": 0.0, "uniform": 1 / math.sqrt(12), "normal": 0.5,
                    "xavier_uniform": math.sqrt(2 / 66), "xavier_normal": math.sqrt(2 / 66),
                    "he_uniform": math.sqrt(2 / 2), "he_normal": math.sqrt(2 / 2)}[init]
    assert w.std().item() == pytest.approx(expected_std, rel=0.25, abs=1e-9)


@pytest.mark.parametrize("optimizer", [
    {"name": "sgd", "lr": 0.1}, {"name": "sgd", "lr": 0.1, "momentum": 0.9},
    {"name": "sgd", "lr": 0.1, "momentum": 0.9, "nesterov": True}, {"name": "adagrad", "lr": 0.1},
    {"name": "rmsprop", "lr": 0.01}, {"name": "adam", "lr": 0.01}])
def test_every_optimizer_lowers_the_loss(optimizer):
    metrics = weights_after({"optimizer": optimizer}, epochs=5)
    assert metrics[-1]["data"]["train_loss"] < metrics[0]["data"]["train_loss"]


def test_optimizers_take_different_paths():
    finals = [weights_after({"optimizer": o})[-1]["data"]["train_loss"]
              for o in ({"name": "sgd", "lr": 0.1}, {"name": "sgd", "lr": 0.1, "momentum": 0.9},
                        {"name": "sgd", "lr": 0.1, "momentum": 0.9, "nesterov": True})]
    assert len(set(finals)) == 3


@pytest.mark.parametrize("schedule, epoch_lrs", [
    ({"name": "constant"}, {0: 1.0, 5: 1.0}),
    ({"name": "linear_decay", "epochs": 4, "end_factor": 0.1}, {0: 1.0, 2: 0.55, 4: 0.1, 9: 0.1}),
    ({"name": "step", "every": 2, "gamma": 0.5}, {0: 1.0, 1.9: 1.0, 2: 0.5, 4.5: 0.25}),
    ({"name": "cyclical", "half_cycle": 2, "max_factor": 5}, {0: 1.0, 1: 3.0, 2: 5.0, 3: 3.0, 4: 1.0}),
    ({"name": "cosine_restarts", "period": 4, "min_factor": 0}, {0: 1.0, 2: 0.5, 3.999: 0.0, 4: 1.0}),
    ({"name": "cosine_restarts", "period": 2, "t_mult": 2}, {1: 0.5, 2: 1.0, 4: 0.5, 6: 1.0}),
])
def test_schedules_follow_their_formulas(schedule, epoch_lrs):
    model = Train(schedule=schedule).schedule
    for epoch, factor in epoch_lrs.items():
        assert model.factor(epoch) == pytest.approx(factor, abs=1e-3), (epoch, model.factor(epoch))


def test_every_schedule_is_tested_and_reaches_the_optimizer():
    assert set(SCHEDULES) == {"constant", "linear_decay", "step", "cyclical", "cosine_restarts"}
    metrics = weights_after({"optimizer": {"name": "sgd", "lr": 0.1},
                             "schedule": {"name": "step", "every": 1, "gamma": 0.5}}, epochs=3)
    # The lr reported at the end of epoch e is the one used in its last step (epoch e-1 + fraction).
    assert [m["data"]["lr"] for m in metrics] == pytest.approx([0.1, 0.05, 0.025])


@pytest.mark.parametrize("penalty", [{"l1": 0.01}, {"l2": 0.01}, {"weight_elimination": {"lambda": 0.05, "beta": 0.5}}])
def test_penalties_shrink_the_weights(penalty):
    plain = weights_after({"optimizer": {"name": "adam", "lr": 0.05}}, epochs=8)[-1]["data"]
    shrunk = weights_after({"optimizer": {"name": "adam", "lr": 0.05}, **penalty}, epochs=8)[-1]["data"]
    assert sum(shrunk["weight_norms"].values()) < sum(plain["weight_norms"].values())
    assert shrunk["penalty"] > 0 and "penalty" not in plain


@pytest.mark.parametrize("clip", [None, 0.01])
def test_gradient_clipping_bounds_the_step(clip):
    from workers.engine.control import Never
    from workers.engine.loop import Run

    run_ = Run(spec(data=SMALL, model={"init": "normal"},
                    train={"optimizer": {"name": "sgd", "lr": 1.0}, "grad_clip": clip, "batch_size": 80}),
               lambda e: None, Never(), "cpu")
    before = torch.cat([p.detach().flatten().clone() for p in run_.model.parameters()])
    run_.optimizer_step(run_.kind.x, run_.kind.y)
    moved = (torch.cat([p.detach().flatten() for p in run_.model.parameters()]) - before).norm().item()
    if clip is None:
        assert moved > 0.01  # without clipping this step is large...
    else:
        assert moved <= 1.0 * clip + 1e-6  # ...with it, at most lr·clip


def test_dropout_and_batchnorm_train():
    metrics = weights_after({"optimizer": {"name": "adam", "lr": 0.05}},
                            {"layers": [{"units": 8, "dropout": 0.3, "batchnorm": True}]}, epochs=5)
    assert metrics[-1]["data"]["train_loss"] < metrics[0]["data"]["train_loss"]


def test_early_stopping_stops_and_restores_the_best():
    events = run(spec(data={"dataset": "spiral", "n_samples": 60, "noise": 0.5},
                      model={"layers": [{"units": 32, "activation": "relu"}] * 2},
                      train={"optimizer": {"name": "adam", "lr": 0.05}, "epochs": 400,
                             "early_stopping": {"patience": 5}}))
    result = final(events)
    assert result["status"] == "succeeded" and "early stopping" in result["message"]
    metrics = of(events, "metrics")
    assert result["summary"]["epochs"] < 400
    best = min(m["data"]["test_loss"] for m in metrics[:-1])
    assert metrics[-1]["data"]["test_loss"] == pytest.approx(best)  # the restored weights' loss


def test_max_steps_stops_exactly():
    events = run(spec(data=SMALL, train={"epochs": 100, "max_steps": 7, "batch_size": 10}))
    assert final(events)["summary"]["steps"] == 7 and "max_steps" in final(events)["message"]
    assert final(events)["summary"]["epochs"] == 7 / 4  # 4 steps an epoch: the epoch counts the 7th step
    assert of(events, "metrics")[-1]["step"] == 7  # the partial epoch is measured too


@pytest.mark.parametrize("batch_size, steps_per_epoch", [(1, 40), (10, 4), (40, 1), (1000, 1)])
def test_batch_size_from_stochastic_to_full_batch(batch_size, steps_per_epoch):
    events = run(spec(data=SMALL, train={"epochs": 2, "batch_size": batch_size}))
    assert [m["step"] for m in of(events, "metrics")] == [steps_per_epoch, 2 * steps_per_epoch]


@pytest.mark.parametrize("loss", ["bce", "cross_entropy", "mse"])
def test_every_classification_loss_learns_gauss(loss):
    result = final(run(spec(data={"dataset": "gauss", "n_samples": 100}, model={"layers": []},
                            train={"loss": loss, "optimizer": {"name": "adam", "lr": 0.05}, "epochs": 10})))
    assert result["summary"]["test_accuracy"] >= 0.9


@pytest.mark.parametrize("feature", ["x1_sq", "x2_sq", "x1_x2", "sin_x1", "sin_x2"])
def test_features_feed_the_network(feature):
    events = run(spec(data={**SMALL, "features": ["x1", "x2", feature]}, train={"epochs": 1}))
    assert final(events)["status"] == "succeeded"


def test_a_single_neuron_with_x1_squared_and_x2_squared_learns_the_circle():
    result = final(run(spec(data={"dataset": "circle", "n_samples": 200, "noise": 0.0,
                                  "features": ["x1_sq", "x2_sq"]}, model={"layers": []},
                            train={"optimizer": {"name": "adam", "lr": 0.1}, "epochs": 30})))
    assert result["summary"]["test_accuracy"] >= 0.95


def test_the_plain_sgd_fast_path_matches_torch_optim_sgd():
    import copy

    from workers.engine.control import Never
    from workers.engine.loop import Run

    run_ = Run(spec(data=SMALL, train={"optimizer": {"name": "sgd", "lr": 0.3}, "l2": 0.01}),
               lambda e: None, Never(), "cpu")
    assert run_.plain_sgd
    reference = copy.deepcopy(run_.model)
    optimizer = torch.optim.SGD(reference.parameters(), lr=0.3)
    penalty = penalty_fn(Train(l2=0.01), reference)
    for start in range(0, 40, 10):
        inputs, targets = run_.kind.x[start:start + 10], run_.kind.y[start:start + 10]
        run_.optimizer_step(inputs, targets)
        optimizer.zero_grad()
        (run_.kind.head.loss(reference(inputs), targets) + penalty()).backward()
        optimizer.step()
    for ours, theirs in zip(run_.model.parameters(), reference.parameters()):
        assert torch.equal(ours, theirs)
