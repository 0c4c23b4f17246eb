"""BatchedPoints: the steps of many 2-D MLP runs of one structure, taken as one computation.

Runs that share a structure (structure() below: the features count, layers, head, batch size, data size
and optimizer) but differ in data, seeds, learning rate, optimizer hyper-parameters, schedule, penalties
or gradient clipping take their optimizer steps together: their parameters are stacked (R, ...) and every
layer is one batched matmul (batched_net.py), each run keeping its own optimizer state (batched_optim.py),
learning rate, schedule, penalties and dropout generator.

The members are the engine's own runs (loop.Run): each is built, seeded, shuffled, controlled, measured
and drawn exactly as it is alone; only its step is taken here. A member in a batch yields its next
mini-batch (`run.pending`) instead of stepping; step() takes every member's at once. Between steps its
weights live in the batch's tensors, and sync(run) writes them back into its own model when the run reads
it (to measure, to draw a frame). A run joins with add(run) and leaves with remove(run), which hands back
its weights, its optimizer's state (as torch.optim's) and its dropout stream, so that it trains on alone,
or in another batch, exactly as if it had never left. workers/batching.py decides who joins and when.

CNNs and sequence models would join the same way, in their own kind folders: stack their parameters by
state_dict name and make each layer one batched op (a convolution of R runs is one grouped conv2d with
the runs as groups, channels side by side as batch norm is here; an LSTM or attention layer a bmm per
gate or head), keeping batched_optim's per-run update and the same hand-over.
"""
from __future__ import annotations

import math
from typing import TYPE_CHECKING

import torch

from ...datasets import DATASETS, n_classes
from ...losses import make_head
from ...probes.metrics import finite_or_none
from ...spec import Spec
from . import batched_optim as optim
from .batched_grad import by_hand, gradients
from .batched_net import StackedMLP, per_run_loss, stack_states

if TYPE_CHECKING:
    from ...loop import Run


def structure(spec: Spec) -> tuple | None:
    """What runs must share to train in one batch; None for a spec no batch takes (not 2-D points)."""
    data, train = spec.data, spec.train
    if (data.table is not None or DATASETS[data.dataset].kind != "2d" or n_classes(data.dataset, data) > 2
            or spec.stream.gradient_check):
        return None  # uploaded data, k-class heads and gradient checks are measured one run at a time
    task = DATASETS[data.dataset].task
    head = make_head(train.loss, task, spec.model.output_activation)
    layers = tuple((layer.units, layer.activation, layer.dropout > 0, layer.batchnorm) for layer in spec.model.layers)
    return (len(data.features), layers, task, head.loss_name, head.output_activation, train.batch_size,
            data.n_samples, data.test_fraction, train.optimizer.name)


def _cat(stacked: torch.Tensor | None, row: torch.Tensor) -> torch.Tensor:
    row = row.detach().unsqueeze(0)
    return row.clone() if stacked is None else torch.cat([stacked.detach(), row])


def _without(stacked: torch.Tensor, index: int) -> torch.Tensor:
    return torch.cat([stacked[:index], stacked[index + 1:]]).detach()


def _leaf_without(stacked: torch.Tensor, index: int) -> torch.Tensor:
    """A parameter without row `index`, keeping the others' gradients: a member that has yet to measure
    this step's norms reads them after another one left."""
    leaf = _without(stacked, index).requires_grad_()
    if stacked.grad is not None:
        leaf.grad = _without(stacked.grad, index)
    return leaf


class BatchedPoints:
    def __init__(self, key: tuple, device: str = "cpu"):
        self.key, self.device = key, device
        self.runs: list[Run] = []
        self.params: dict[str, torch.Tensor] = {}
        self.buffers: dict[str, torch.Tensor] = {}
        self.state: dict[str, dict[str, torch.Tensor]] = {}  # the optimizer's slots, stacked
        self.dropout: list[torch.Generator] = []  # each member's, where it would draw its masks alone
        self.version = 0  # steps taken: a member's model is current while its synced_at is this
        self.synced_at: list[int] = []
        # Each member's optimizer steps (Adam's bias corrections), kept here: between a batch's step and its
        # members' next resume, their own `step` counts lag by one.
        self.steps = torch.zeros(0, dtype=torch.float64)
        self.data: dict[str, torch.Tensor] = {}  # each member's points, both splits, for the measurements
        self.index: dict[int, int] = {}  # each member's row, by id(run)
        self.measured: tuple[int, list] = (-1, [])  # (version, each member's measurement then)

    def __len__(self) -> int:
        return len(self.runs)

    def __contains__(self, run: Run) -> bool:
        return id(run) in self.index

    def _index(self, run: Run) -> int:
        return self.index[id(run)]

    # -- joining and leaving --------------------------------------------------------------------------

    def add(self, run: Run) -> None:
        """Stack `run` in, as it stands (fresh, or trained alone or in another batch for a while)."""
        if structure(run.spec) != self.key:
            raise ValueError("this run's structure is not the batch's")
        name = run.spec.train.optimizer.name
        params, buffers = stack_states([run.model])
        self.params = {k: _cat(self.params.get(k), v[0]).requires_grad_() for k, v in params.items()}
        self.buffers = {k: _cat(self.buffers.get(k), v[0]) for k, v in buffers.items()}
        slots = optim.from_torch(name, run.optimizer, run.model)
        self.state = {k: {slot: _cat(self.state.get(k, {}).get(slot), value) for slot, value in s.items()}
                      for k, s in slots.items()}
        generator = torch.Generator()
        generator.set_state(run.random[0])
        self.runs.append(run)
        self.dropout.append(generator)
        self.synced_at.append(self.version)
        self.steps = torch.cat([self.steps, torch.tensor([float(run.step)], dtype=torch.float64)])
        self.data = {k: _cat(self.data.get(k), getattr(run.kind, k)) for k in ("x_all", "y_all", "labels_all")}
        run.batch = self
        self.changed()

    def remove(self, run: Run) -> None:
        """Take `run` out, its model, optimizer and random stream holding where it stands; the others
        train on unchanged."""
        self.sync(run)
        i = self._index(run)
        optim.to_torch(self.key[-1], run.optimizer, run.model,
                       {k: {slot: value[i] for slot, value in s.items()} for k, s in self.state.items()},
                       int(self.steps[i]), run.optimizer.param_groups[0]["lr"])
        run.random[0] = self.dropout[i].get_state()
        run.batch = None
        del self.runs[i], self.dropout[i], self.synced_at[i]
        self.index = {id(member): j for j, member in enumerate(self.runs)}
        self.params = {k: _leaf_without(v, i) for k, v in self.params.items()}
        self.buffers = {k: _without(v, i) for k, v in self.buffers.items()}
        self.state = {k: {slot: _without(v, i) for slot, v in s.items()} for k, s in self.state.items()}
        self.steps = _without(self.steps, i)
        self.data = {k: _without(v, i) for k, v in self.data.items()}
        if self.runs:
            self.changed()

    def changed(self) -> None:
        """Read the members' hyper-parameters again (a member joined or left, or a live `set` changed one)."""
        runs, trains = self.runs, [run.spec.train for run in self.runs]
        self.index = {id(run): i for i, run in enumerate(runs)}
        self.measured = (-1, [])
        first = runs[0].kind
        self.head, self.layers = first.head, first.layers
        self.net = StackedMLP(self.layers)
        self.optimizer_step = optim.StackedOptimizer(self.key[-1], [t.optimizer for t in trains])
        self.lr = self._rates()
        self.scheduled = any(t.schedule.name != "constant" for t in trains)

        def column(values: list[float]) -> torch.Tensor | None:  # None where no member has one
            return torch.tensor(values, device=self.device) if any(values) else None
        self.l1, self.l2 = column([t.l1 for t in trains]), column([t.l2 / 2 for t in trains])  # (λ/2)·Σw²
        self.elimination = column([t.weight_elimination.lambda_ if t.weight_elimination else 0.0 for t in trains])
        self.beta2 = torch.tensor([t.weight_elimination.beta ** 2 if t.weight_elimination else 1.0 for t in trains],
                                  device=self.device)
        clips = [t.grad_clip for t in trains]
        self.clip = (torch.tensor([c if c is not None else math.inf for c in clips], device=self.device)
                     if any(c is not None for c in clips) else None)
        self.weight_names, self.bias_names = self.net.weight_names, self.net.bias_names
        self.layer_names = list(first.model.linears())  # dense1, ..., output
        self.n_train = first.x.shape[0]
        self.penalised = [bool(t.l1 or t.l2 or t.weight_elimination) for t in trains]
        self.by_hand = (by_hand(self.layers, self.head, any(self.penalised))
                        and set(self.params) == {*self.weight_names, *self.bias_names})

    def _rates(self) -> torch.Tensor:
        """(R,) each member's learning rate as its own run set it (its schedule, a live change)."""
        return torch.tensor([run.optimizer.param_groups[0]["lr"] for run in self.runs], dtype=torch.float64)

    @torch.no_grad()
    def sync(self, run: Run) -> None:
        """Write the batch's weights (and their gradients, for the norms) into a member's own model, once
        per step: a model changed since (restored by early stopping) keeps its change."""
        if run not in self:
            return  # not stacked (yet): its model is its own
        i = self._index(run)
        if self.synced_at[i] == self.version:
            return
        self.synced_at[i] = self.version
        for name, p in run.model.named_parameters():
            p.copy_(self.params[name][i])
            grad = self.params[name].grad
            p.grad = None if grad is None else grad[i].clone()
        for name, b in run.model.named_buffers():
            b.copy_(self.buffers[name][i])

    # -- training ------------------------------------------------------------------------------------

    def _noise(self, layer: int, shape: torch.Size) -> torch.Tensor:
        """Each member's dropout masks, scaled, drawn from its own generator as nn.Dropout draws them."""
        keep = 1 - self.layers[layer]["dropout"]
        masks = [torch.empty(shape[1:]).bernoulli_(keep, generator=g).div_(keep) for g in self.dropout]
        return torch.stack(masks).to(self.device)

    def _penalty(self) -> torch.Tensor:
        """(R,) each member's weight penalty (regularizers.penalty_fn's terms)."""
        total = torch.zeros(len(self.runs), device=self.device)
        for name in self.weight_names:
            w = self.params[name]
            if self.l1 is not None:
                total = total + self.l1 * w.abs().sum((1, 2))
            if self.l2 is not None:
                total = total + self.l2 * w.pow(2).sum((1, 2))
            if self.elimination is not None:
                squared = w.pow(2)
                total = total + self.elimination * (squared / (self.beta2.view(-1, 1, 1) + squared)).sum((1, 2))
        return total

    def step(self) -> None:
        """One optimizer step of every member, on its `pending` mini-batch (all of one size)."""
        if self.scheduled:
            self.lr = self._rates()
        x = torch.stack([run.pending[1] for run in self.runs])
        y = torch.stack([run.pending[2] for run in self.runs])
        if self.by_hand:  # the common MLPs: their gradients without autograd's graph (batched_grad.py)
            gradients(self.params, self.layers, self.head, x, y)
        else:
            out = self.net.forward(self.params, self.buffers, x, True, self._noise)
            loss = per_run_loss(self.head, out, y).sum()
            if self.l1 is not None or self.l2 is not None or self.elimination is not None:
                loss = loss + self._penalty().sum()
            for p in self.params.values():
                p.grad = None
            loss.backward()  # the sum's gradient in each member's slice is that member's own
        if self.clip is not None:
            self._clip()
        self.steps += 1
        self.optimizer_step.step(self.params, self.state, self.lr, self.steps)
        self.version += 1

    @torch.no_grad()
    def _clip(self) -> None:
        """torch.nn.utils.clip_grad_norm_ per member (an infinite limit where a member has none)."""
        grads = [p.grad for p in self.params.values() if p.grad is not None]
        norms = torch.stack([torch.linalg.vector_norm(g.flatten(1), dim=1) for g in grads], dim=1)
        total = torch.linalg.vector_norm(norms, dim=1)
        factor = (self.clip / (total + 1e-6)).clamp(max=1.0)
        for g in grads:
            g.mul_(factor.view(-1, *[1] * (g.dim() - 1)))

    # -- measuring -----------------------------------------------------------------------------------

    def measurement(self, run: Run) -> tuple[dict, dict, dict, float | None] | None:
        """A stacked member's (evaluation, gradient norms, weight norms, penalty) as loop.Run.measure takes
        them from its own model (PointsKind.evaluate in eval mode, layer_norms), computed for every member
        at once, once per step; None for a run that is not stacked."""
        if run not in self:
            return None
        if self.measured[0] != self.version:
            self.measured = (self.version, self._measure_all())
        return self.measured[1][self._index(run)]

    def _norms(self, names: list[str], grads: bool = False) -> torch.Tensor:
        """(R, layers) L2 norms per member and layer of the named weights (and biases: the same layer's
        weight and bias count together), or of their gradients: squared once, summed by layer."""
        tensors = [self.params[n].grad if grads else self.params[n] for n in names]
        present = [(i % len(self.weight_names), t.flatten(1)) for i, t in enumerate(tensors) if t is not None]
        squares = torch.zeros(len(self.runs), len(self.weight_names), device=self.device)
        if present:
            flat = torch.cat([t for _, t in present], dim=1)
            layer = torch.cat([torch.full((t.shape[1],), i, device=self.device) for i, t in present])  # each column's
            squares.index_add_(1, layer, flat * flat)
        return squares.sqrt()

    @torch.no_grad()
    def _measure_all(self) -> list[tuple[dict, dict, dict, float | None]]:
        x, y, labels = self.data["x_all"], self.data["y_all"], self.data["labels_all"]
        out = self.net.forward(self.params, self.buffers, x, False)
        n, head = self.n_train, self.head
        columns = [per_run_loss(head, out[:, :n], y[:, :n]), per_run_loss(head, out[:, n:], y[:, n:])]
        names = ["train_loss", "test_loss"]
        if head.task == "classification":
            correct = (head.classes(head.score(out.flatten(0, 1))).view(out.shape[:2]) == labels).float()
            columns += [correct[:, :n].mean(1), correct[:, n:].mean(1)]
            names += ["train_accuracy", "test_accuracy"]
        columns += [self._norms(self.weight_names + self.bias_names, grads=True), self._norms(self.weight_names)]
        columns.append(self._penalty())
        rows = torch.cat([c.view(len(self.runs), -1) for c in columns], dim=1).tolist()  # one sync for all
        layers, k, m = self.layer_names, len(self.layer_names), len(names)
        return [(dict(zip(names, row)),
                 {layer: finite_or_none(v) for layer, v in zip(layers, row[m:m + k])},
                 {layer: finite_or_none(v) for layer, v in zip(layers, row[m + k:m + 2 * k])},
                 row[-1] if penalised else None)
                for row, penalised in zip(rows, self.penalised)]

    # -- drawing -------------------------------------------------------------------------------------

    def frames(self, runs: list[Run]) -> list[list[tuple[str, dict | None]]]:
        """The frame events of stacked members (PointsKind.frame_events: `boundary`), drawn for all the
        members of one plane (grid sizes, extent and features) at once by their probe, as each alone."""
        by_plane: dict[tuple, list[Run]] = {}
        for run in runs:
            by_plane.setdefault(run.kind.probe.plane, []).append(run)
        frames: dict[int, list] = {}
        for same in by_plane.values():
            rows = torch.tensor([self._index(run) for run in same], device=self.device)
            params = {k: v.detach().index_select(0, rows) for k, v in self.params.items()}
            buffers = {k: v.index_select(0, rows) for k, v in self.buffers.items()}
            for run, data in zip(same, same[0].kind.probe.frames(self.net, params, buffers)):
                frames[id(run)] = [("boundary", data)]
        return [frames[id(run)] for run in runs]
