"""A run trained in a BatchedPoints gives the losses it gives trained alone by the engine."""
from __future__ import annotations

import copy

import pytest
import torch

from tests.workers.engine.helpers import of, run, spec
from workers.engine.control import Never
from workers.engine.kinds.points.batched import BatchedPoints, structure
from workers.engine.kinds.points.batched_net import per_run_loss
from workers.engine.loop import Run
from workers.engine.losses import make_head

EPOCHS = 3
TANH = [{"units": 4, "activation": "tanh"}, {"units": 2, "activation": "tanh"}]


def make(seed: int, lr: float, optimizer: dict | None = None, layers=None, dataset="circle", fps=0.0, **train):
    return spec(data={"dataset": dataset, "n_samples": 100, "noise": 0.05 * seed, "seed": seed},
                stream={"max_fps": fps},
                model={"layers": layers or TANH},
                train={"optimizer": {"name": "sgd", "lr": lr, **(optimizer or {})}, "epochs": EPOCHS,
                       "batch_size": 10, "seed": seed, **train})


def alone(s) -> list[dict]:
    return [e["data"] for e in of(run(s), "metrics")]


def epochs(batch: BatchedPoints, n: int) -> list[list[dict]]:
    """Each member's metrics after each of n epochs."""
    got = [[] for _ in range(len(batch))]
    for _ in range(n):
        batch.step()
        while not batch.epoch_done:
            batch.step()
        for i, metrics in enumerate(batch.measure()):
            got[i].append(metrics)
    return got


def assert_close(expected: list[dict], got: list[dict], rel: float = 1e-5) -> None:
    assert len(expected) == len(got)
    for e, g in zip(expected, got):
        assert g.keys() == e.keys()
        for key in ("train_loss", "test_loss", "train_accuracy", "test_accuracy", "lr", "penalty"):
            if key in e:
                assert g[key] == pytest.approx(e[key], rel=rel, abs=1e-7), key
        for key in ("grad_norms", "weight_norms"):
            assert g[key] == pytest.approx(e[key], rel=1e-3, abs=1e-6), key


def check(specs, rel: float = 1e-5) -> None:
    got = epochs(BatchedPoints(specs), EPOCHS)
    for s, metrics in zip(specs, got):
        assert_close(alone(s), metrics, rel)


OPTIMIZERS = {
    "sgd": {}, "momentum": {"momentum": 0.9}, "nesterov": {"momentum": 0.9, "nesterov": True},
    "adam": {"name": "adam"}, "rmsprop": {"name": "rmsprop", "momentum": 0.5}, "adagrad": {"name": "adagrad"},
}


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_each_optimizer_matches_alone(name):
    """Three runs of one batch, each with its own data, seed and learning rate. RMSprop's rates are a
    third of the others': at 0.1 (100 times its default) rounding differences grow to 2e-5 in 3 epochs."""
    scale = 1 / 3 if name == "rmsprop" else 1
    check([make(seed, lr * scale, OPTIMIZERS[name]) for seed, lr in ((1, 0.03), (2, 0.1), (3, 0.01))])


def test_sgd_with_and_without_momentum_share_a_batch():
    check([make(1, 0.03), make(2, 0.03, {"momentum": 0.9}), make(3, 0.05, {"momentum": 0.5, "nesterov": True})])


@pytest.mark.parametrize("name", ["sgd", "adam"])
def test_dropout_matches_alone(name):
    """The masks are the alone run's: each member draws them from the global RNG's state after its build."""
    layers = [{"units": 6, "activation": "relu", "dropout": 0.3}, {"units": 3, "activation": "tanh", "dropout": 0.1}]
    check([make(1, 0.03, OPTIMIZERS[name], layers), make(2, 0.1, OPTIMIZERS[name], layers)])


@pytest.mark.parametrize("name", ["sgd", "momentum"])
def test_batchnorm_matches_alone(name):
    """Per-run running statistics: the eval-mode losses use each member's own."""
    layers = [{"units": 4, "activation": "relu"}, {"units": 3, "activation": "tanh", "batchnorm": True}]
    check([make(1, 0.03, OPTIMIZERS[name], layers), make(2, 0.1, OPTIMIZERS[name], layers)])


def test_batchnorm_with_adam_matches_alone_up_to_amplified_rounding():
    """A bias feeding batch norm has a gradient that is zero in exact arithmetic: what is left is rounding
    (about 1e-9), and Adam divides it by its own size, so its steps follow the kernels' rounding, and
    an alone run on other kernels would differ as much: the losses agree to about 2 %, not 1e-5."""
    layers = [{"units": 4, "activation": "tanh", "batchnorm": True}]
    specs = [make(1, 0.01, OPTIMIZERS["adam"], layers), make(2, 0.03, OPTIMIZERS["adam"], layers)]
    for s, metrics in zip(specs, epochs(BatchedPoints(specs), EPOCHS)):
        for e, g in zip(alone(s), metrics):
            assert (g["train_loss"], g["test_loss"]) == pytest.approx((e["train_loss"], e["test_loss"]), rel=0.05)


def test_learning_rates_penalties_schedules_and_clipping_differ_per_run():
    layers = [{"units": 4, "activation": "prelu"}, {"units": 2, "activation": "maxout"}]
    check([make(1, 0.03, layers=layers, l2=0.01),
           make(2, 0.3, layers=layers, l1=0.001, grad_clip=0.5),
           make(3, 0.1, layers=layers, weight_elimination={"lambda": 0.01},
                schedule={"name": "step", "every": 1, "gamma": 0.5}),
           make(4, 0.01, layers=layers)])


def test_regression_and_cross_entropy_heads():
    check([make(1, 0.03, dataset="plane"), make(2, 0.1, dataset="plane")])
    check([make(1, 0.1, loss="cross_entropy"), make(2, 0.3, loss="cross_entropy")])


def test_a_run_removed_midway_leaves_the_others_unchanged():
    specs = [make(seed, lr, OPTIMIZERS["adam"]) for seed, lr in ((1, 0.01), (2, 0.03), (3, 0.02))]
    batch = BatchedPoints(specs)
    got = epochs(batch, 1)
    for _ in range(4):  # mid-epoch
        batch.step()
    batch.remove(1)
    rest = epochs(batch, EPOCHS - 1)
    assert_close(alone(specs[0]), got[0] + rest[0])
    assert_close(alone(specs[2]), got[2] + rest[1])


def test_a_removed_run_trains_on_alone_and_rejoins():
    """state_of()'s hand-over: an alone trainer (loop.Run) or another batch continues the run exactly."""
    specs = [make(seed, lr, OPTIMIZERS["adam"]) for seed, lr in ((1, 0.01), (2, 0.03))]
    expected = alone(specs[1])
    batch = BatchedPoints(specs)
    first = epochs(batch, 1)[1]
    state = batch.remove(1)

    trainer = Run(state["spec"], lambda event: None, Never(), "cpu")
    trainer.model.load_state_dict(state["model"])
    trainer.optimizer.load_state_dict(copy.deepcopy(state["optimizer"]))  # torch would train the state's own tensors
    trainer.shuffle.set_state(state["shuffle"])
    torch.set_rng_state(state["dropout"])
    for _, _, inputs, targets in trainer.batches():
        trainer.optimizer_step(inputs, targets)
    second = trainer.kind.evaluate()
    assert second["test_loss"] == pytest.approx(expected[1]["test_loss"], rel=1e-5)

    again = BatchedPoints([make(5, 0.1, OPTIMIZERS["adam"])])
    index = again.add(specs[1], state)
    third = epochs(again, EPOCHS - 1)[index]
    assert_close(expected, first + third)


def test_a_run_joins_only_where_the_batch_stands():
    batch = BatchedPoints([make(1, 0.03)])
    batch.step()
    with pytest.raises(ValueError, match="trains alone"):
        batch.add(make(2, 0.03))


def test_the_structure_decides_who_may_share_a_batch():
    assert structure(make(1, 0.03)) == structure(make(7, 0.5, l2=0.1, dataset="xor"))
    assert structure(make(1, 0.03)) != structure(make(1, 0.03, layers=[{"units": 3, "activation": "tanh"}]))
    assert structure(make(1, 0.03)) != structure(make(1, 0.03, OPTIMIZERS["adam"]))
    with pytest.raises(ValueError, match="share one"):
        BatchedPoints([make(1, 0.03), make(1, 0.03, batch_size=5)])


@pytest.mark.parametrize("loss", ["mse", "bce", "cross_entropy"])
def test_per_run_loss_is_each_runs_head_loss(loss):
    head = make_head(loss, "classification", "auto")
    out = torch.randn(5, 20, head.n_outputs)
    targets = head.targets((torch.rand(100) > 0.5).float()).reshape(5, 20, *([] if loss == "cross_entropy" else [1]))
    expected = torch.stack([head.loss(out[r], targets[r]) for r in range(5)])
    assert torch.allclose(per_run_loss(head, out, targets), expected, rtol=1e-6)


def test_a_members_kind_holds_the_batchs_weights_for_its_visuals():
    batch = BatchedPoints([make(1, 0.03), make(2, 0.1, fps=20)])
    epochs(batch, 1)
    kind = batch.kind(1)
    assert kind.evaluate()["test_loss"] == pytest.approx(batch.measure()[1]["test_loss"], rel=1e-5)
    assert kind.frame_events(True)[0][0] == "boundary"


def test_an_emptied_batch_takes_a_run_again():
    batch = BatchedPoints([make(1, 0.03)])
    batch.step()
    state = batch.remove(0)
    assert len(batch) == 0
    assert batch.add(make(1, 0.03), state) == 0
    batch.step()
    assert batch.members[0].step == 2
