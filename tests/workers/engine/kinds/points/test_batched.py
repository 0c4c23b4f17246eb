"""A run trained in a batch (the scheduler's Group over BatchedPoints) gives the losses it gives alone."""
from __future__ import annotations

import pytest
import torch

from tests.workers.engine.helpers import of, run, spec
from workers.config import Slice
from workers.engine.control import Scripted, set_message
from workers.engine.kinds.points.batched import structure
from workers.engine.kinds.points.batched_grad import by_hand, gradients
from workers.engine.kinds.points.batched_net import StackedMLP, per_run_loss, stack_states
from workers.engine.kinds.points.model import MLP
from workers.engine.losses import make_head
from workers.scheduler import Scheduler

EPOCHS = 3
TANH = [{"units": 4, "activation": "tanh"}, {"units": 2, "activation": "tanh"}]


@pytest.fixture(autouse=True)
def one_thread():
    torch.set_num_threads(1)  # as a scheduler process trains


def make(seed: int, lr: float, optimizer: dict | None = None, layers=None, dataset="circle", fps=0.0, **train):
    return spec(data={"dataset": dataset, "n_samples": 100, "noise": 0.05 * seed, "seed": seed},
                stream={"max_fps": fps},
                model={"layers": layers or TANH},
                train={"optimizer": {"name": "sgd", "lr": lr, **(optimizer or {})}, "epochs": EPOCHS,
                       "batch_size": 10, "seed": seed, **train})


class Together:
    """Runs submitted to one scheduler that batches, ticked on this thread; every event kept by run."""

    def __init__(self, steps: int = 7):
        self.events: dict[str, list[dict]] = {}
        self.scheduler = Scheduler(lambda run_id, e: self.events.setdefault(run_id, []).append(e), "cpu", 64,
                                   Slice(steps=steps, seconds=10.0), batch_limit=64)
        self.most_stacked = self.submitted = 0

    def submit(self, *specs, early=()) -> None:
        """Runs named "0", "1", ... in the order submitted."""
        for s in specs:
            self.scheduler.submit(str(self.submitted), s.model_dump_json(), early)
            self.submitted += 1

    def tick(self) -> None:
        self.scheduler.tick()
        stacked = [len(group.batch) for group in self.scheduler.groups.values()]
        self.most_stacked = max([self.most_stacked, *stacked])

    def tick_until(self, condition, limit: int = 100_000) -> None:
        for _ in range(limit):
            if condition():
                return
            self.tick()
        raise AssertionError("the condition never came")

    def finish(self) -> None:
        self.tick_until(lambda: not self.scheduler.hosted)

    def metrics(self, run_id: str) -> list[dict]:
        return [e["data"] for e in of(self.events[run_id], "metrics")]

    def steps(self, run_id: str) -> int:
        return max([e["step"] for e in self.events.get(run_id, [])], default=0)


def alone(s, control=None) -> list[dict]:
    return [e["data"] for e in of(run(s, control), "metrics")]


def assert_close(expected: list[dict], got: list[dict], rel: float = 1e-5) -> None:
    assert len(expected) == len(got)
    for e, g in zip(expected, got):
        assert g.keys() == e.keys()
        for key in ("train_loss", "test_loss", "train_accuracy", "test_accuracy", "lr", "penalty"):
            if key in e:
                assert g[key] == pytest.approx(e[key], rel=rel, abs=1e-7), key
        for key in ("grad_norms", "weight_norms"):
            assert g[key] == pytest.approx(e[key], rel=1e-3, abs=1e-6), key


def check(specs, rel: float = 1e-5) -> Together:
    together = Together()
    together.submit(*specs)
    together.finish()
    assert together.most_stacked == len(specs)  # they did train as one batch
    for i, s in enumerate(specs):
        assert_close(alone(s), together.metrics(str(i)), rel)
    return together


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
    """The masks are the alone run's: each member draws them from its own random stream."""
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
    together = Together()
    together.submit(*specs)
    together.finish()
    for i, s in enumerate(specs):
        for e, g in zip(alone(s), together.metrics(str(i)), strict=True):
            assert (g["train_loss"], g["test_loss"]) == pytest.approx((e["train_loss"], e["test_loss"]), rel=0.05)


def test_learning_rates_penalties_schedules_and_clipping_differ_per_run():
    layers = [{"units": 4, "activation": "prelu"}, {"units": 2, "activation": "maxout"}]
    check([make(1, 0.03, layers=layers, l2=0.01),
           make(2, 0.3, layers=layers, l1=0.001, grad_clip=0.5),
           make(3, 0.1, layers=layers, weight_elimination={"lambda": 0.01},
                schedule={"name": "step", "every": 1, "gamma": 0.5}),
           make(4, 0.01, layers=layers)])


def test_clipping_and_schedules_with_gradients_by_hand():
    """The TF-default network takes its gradients by hand (batched_grad.py); clipping and a schedule act
    on them as on autograd's."""
    check([make(1, 0.3, grad_clip=0.05), make(2, 0.1, schedule={"name": "step", "every": 1, "gamma": 0.5}),
           make(3, 0.03, {"momentum": 0.9})])
    check([make(1, 0.1, loss="bce", grad_clip=0.1), make(2, 0.3, loss="bce")])


def test_regression_and_cross_entropy_heads():
    check([make(1, 0.03, dataset="plane"), make(2, 0.1, dataset="plane")])
    check([make(1, 0.1, loss="cross_entropy"), make(2, 0.3, loss="cross_entropy")])


def test_early_stopping_restores_the_best_weights_of_a_member():
    """The last metrics are of the restored weights, as alone. (At rates of 1.5 the losses are chaotic:
    rounding differences of 1e-7 grow tenfold every two epochs, so the rates here are 0.3.)"""
    long = {"epochs": 40, "early_stopping": {"patience": 2, "restore_best": True}}
    together = check([make(1, 0.3, **long), make(2, 0.3, **long)])
    for events in together.events.values():
        assert "early stopping" in events[-1]["data"]["message"]


def test_a_run_paused_midway_leaves_trains_alone_and_rejoins_as_if_alone():
    """Paused mid-epoch, it leaves the batch (its state handed back), resumes alone to the epoch's end and
    is stacked again; the others train on unchanged."""
    specs = [make(seed, lr, OPTIMIZERS["adam"], epochs=8) for seed, lr in ((1, 0.01), (2, 0.03), (3, 0.02))]
    together = Together(steps=3)
    together.submit(*specs)
    together.tick_until(lambda: together.steps("1") >= 12)  # mid-epoch 3 of 5 steps each
    together.scheduler.control("1", "pause")
    together.tick_until(lambda: "paused" in [e["data"].get("status") for e in together.events["1"]])
    together.tick_until(lambda: together.steps("0") >= 22)
    assert len(together.scheduler.groups[structure(specs[0])].batch) == 2  # paused: out of the batch
    together.scheduler.control("1", set_message({"train.batch_size": 25}))  # while parked: it leaves the structure
    together.scheduler.control("1", set_message({"train.batch_size": 10}))  # and comes back
    together.scheduler.control("1", "resume")
    together.tick_until(lambda: len(together.scheduler.groups[structure(specs[0])].batch) == 3)
    together.finish()
    for i, s in enumerate(specs):
        assert_close(alone(s), together.metrics(str(i)))


def test_a_run_submitted_later_joins_at_an_epochs_start():
    first, later = make(1, 0.03), make(2, 0.1)
    together = Together(steps=3)
    together.submit(first)
    together.tick_until(lambda: together.steps("0") >= 3)  # mid-epoch: it joins at the next epoch's start
    together.submit(later)
    together.finish()
    assert together.most_stacked == 2
    assert_close(alone(first), together.metrics("0"))
    assert_close(alone(later), together.metrics("1"))


@pytest.mark.parametrize("runs", [1, 2])
def test_a_live_change_reaches_a_member_at_the_next_slice_and_no_other(runs):
    specs = [make(1, 0.03), make(2, 0.03)][:runs]
    together = Together(steps=3)
    together.submit(*specs)
    together.tick_until(lambda: together.steps("0") >= 3)
    together.scheduler.control("0", set_message({"train.optimizer.lr": 0.5, "train.l2": 0.01}))
    together.finish()
    assert together.metrics("0")[-1]["lr"] == 0.5 and "penalty" in together.metrics("0")[-1]
    assert together.events["0"][-1]["data"]["status"] == "succeeded"
    for i in range(1, runs):
        assert_close(alone(specs[i]), together.metrics(str(i)))
    assert together.most_stacked == runs


def test_a_batch_size_change_takes_the_run_out_of_the_batch():
    specs = [make(1, 0.03), make(2, 0.03)]
    together = Together(steps=3)
    together.submit(*specs)
    together.tick_until(lambda: together.steps("0") >= 3)
    together.scheduler.control("0", set_message({"train.batch_size": 25}))
    together.tick()
    assert len(together.scheduler.groups[structure(specs[1])].batch) == 1
    together.finish()
    assert together.events["0"][-1]["data"]["status"] == "succeeded"
    assert_close(alone(specs[1]), together.metrics("1"))


def test_a_stopped_member_ends_cancelled_and_the_others_finish():
    together = Together(steps=3)
    together.submit(make(1, 0.03), make(2, 0.03))
    together.tick_until(lambda: together.steps("0") >= 4)
    together.scheduler.control("0", "stop")
    together.finish()
    statuses = {run_id: [e["data"]["status"] for e in events if e["type"] == "status"][-1]
                for run_id, events in together.events.items()}
    assert statuses == {"0": "cancelled", "1": "succeeded"}


def test_members_draw_their_own_frames_from_their_weights_in_the_batch():
    specs = [make(1, 0.03, fps=60), make(2, 0.1, fps=60)]
    together = Together()
    together.submit(*specs)
    together.finish()
    for i, s in enumerate(specs):
        last = of(together.events[str(i)], "boundary")[-1]["data"]  # the end's frame, forced
        assert last == of(run(s), "boundary")[-1]["data"]


def test_a_run_that_matches_no_batch_trains_alone_as_before():
    together = Together()
    together.submit(make(1, 0.03), make(2, 0.03, layers=[{"units": 3, "activation": "relu"}]))
    together.finish()
    assert together.most_stacked == 1
    assert_close(alone(make(2, 0.03, layers=[{"units": 3, "activation": "relu"}])), together.metrics("1"))


def test_the_structure_decides_who_may_share_a_batch():
    assert structure(make(1, 0.03)) == structure(make(7, 0.5, l2=0.1, dataset="xor"))
    assert structure(make(1, 0.03)) != structure(make(1, 0.03, layers=[{"units": 3, "activation": "tanh"}]))
    assert structure(make(1, 0.03)) != structure(make(1, 0.03, OPTIMIZERS["adam"]))
    assert structure(make(1, 0.03)) != structure(make(1, 0.03, batch_size=5))


@pytest.mark.parametrize("loss", ["mse", "bce", "cross_entropy"])
def test_per_run_loss_is_each_runs_head_loss(loss):
    head = make_head(loss, "classification", "auto")
    out = torch.randn(5, 20, head.n_outputs)
    targets = head.targets((torch.rand(100) > 0.5).float()).reshape(5, 20, *([] if loss == "cross_entropy" else [1]))
    expected = torch.stack([head.loss(out[r], targets[r]) for r in range(5)])
    assert torch.allclose(per_run_loss(head, out, targets), expected, rtol=1e-6)


def test_scripted_control_reaches_an_alone_run_the_same():
    """The reference the pause test leans on: an alone run paused and resumed gives the same losses."""
    s = make(1, 0.03)
    assert_close(alone(s), alone(s, Scripted([None] * 5 + ["pause", "resume"])))


def test_frames_drawn_for_all_members_at_once_are_each_members_own():
    """One stacked evaluation over each member's grid (its own features and grid size) gives the
    `boundary` its own probe draws from its own model."""
    layers = [{"units": 4, "activation": "relu", "batchnorm": True}, {"units": 3, "activation": "sigmoid"}]
    specs = [make(1, 0.1, layers=layers, fps=10), make(2, 0.1, layers=layers, fps=10)]
    specs[1] = specs[1].model_copy(update={
        "data": specs[1].data.model_copy(update={"features": ["x1_sq", "sin_x2"]}),
        "stream": specs[1].stream.model_copy(update={"grid": 24})})
    together = Together(steps=3)
    together.submit(*specs)
    together.tick_until(lambda: together.steps("1") >= 7)
    batch = together.scheduler.groups[structure(specs[0])].batch
    runs = list(batch.runs)
    drawn = batch.frames(runs)
    for member, events in zip(runs, drawn):
        assert events == [("boundary", member.synced().probe.frame())]
    assert of(together.events["1"], "boundary")[-1]["data"]["output"]["shape"] == [24, 24]


@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "relu", "linear"])
@pytest.mark.parametrize("loss, output", [("mse", "tanh"), ("mse", "linear"), ("mse", "sigmoid"), ("bce", "auto")])
def test_gradients_by_hand_are_autograds(activation, loss, output):
    """The step's gradients written out (batched_grad.py) are the ones autograd takes of the summed
    per-run losses, for every network and head they are used for."""
    layers = [{"units": 5, "activation": activation, "dropout": 0.0, "batchnorm": False},
              {"units": 3, "activation": "tanh", "dropout": 0.0, "batchnorm": False}]
    head = make_head(loss, "classification", output)
    assert by_hand(layers, head, penalised=False) and not by_hand(layers, head, penalised=True)
    generator = torch.Generator().manual_seed(3)
    shapes = {"hidden.0.linear.weight": (5, 2), "hidden.0.linear.bias": (5,), "hidden.1.linear.weight": (3, 5),
              "hidden.1.linear.bias": (3,), "output.weight": (1, 3), "output.bias": (1,)}
    params = {k: torch.randn(4, *shape, generator=generator).requires_grad_() for k, shape in shapes.items()}
    x = torch.randn(4, 10, 2, generator=generator)
    y = head.targets((torch.rand(40, generator=generator) > 0.5).float()).view(4, 10, 1)
    per_run_loss(head, StackedMLP(layers).forward(params, {}, x, True), y).sum().backward()
    expected = {k: p.grad.clone() for k, p in params.items()}
    gradients(params, layers, head, x, y)
    for k, p in params.items():
        assert torch.allclose(p.grad, expected[k], rtol=1e-5, atol=1e-7), k


@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "relu", "prelu", "maxout", "elu", "linear"])
@pytest.mark.parametrize("batchnorm", [False, True])
def test_the_frames_evaluation_over_shared_inputs_is_each_models_own(activation, batchnorm):
    """forward_shared (every frame's network over the plane, alone or in a batch) is each model's eval-mode
    forward pass: its output and every hidden layer's activations."""
    layers = [{"units": 5, "activation": activation, "dropout": 0.3, "batchnorm": batchnorm},
              {"units": 3, "activation": "tanh", "dropout": 0.0, "batchnorm": batchnorm}]
    torch.manual_seed(5)
    models = [MLP(2, layers, 3) for _ in range(3)]
    x = torch.randn(50, 2)
    for model in models:  # batch norm's running statistics, each model's own
        model.train()
        model(torch.randn(20, 2) * 3 + 1)
        model.eval()
    params, buffers = stack_states(models)
    hidden: list[torch.Tensor] = []
    out = StackedMLP(layers).forward_shared(params, buffers, x, hidden)
    for i, model in enumerate(models):
        expected, expected_hidden = model.forward_with_hidden(x)
        assert torch.allclose(out[i], expected, rtol=1e-5, atol=1e-6)
        for got, want in zip(hidden, expected_hidden, strict=True):
            assert torch.allclose(got[i], want, rtol=1e-5, atol=1e-6)


def test_a_batch_with_dropout_batchnorm_or_a_penalty_takes_autograds_step():
    head = make_head("mse", "classification", "tanh")
    plain = {"units": 4, "activation": "tanh", "dropout": 0.0, "batchnorm": False}
    assert by_hand([plain], head, penalised=False)
    assert not by_hand([{**plain, "dropout": 0.2}], head, penalised=False)
    assert not by_hand([{**plain, "batchnorm": True}], head, penalised=False)
    assert not by_hand([{**plain, "activation": "elu"}], head, penalised=False)
    assert not by_hand([plain], make_head("cross_entropy", "classification", "auto"), penalised=False)
