"""BatchedPoints: a group of 2-D MLP runs of one structure trained as one computation.

Runs that share a structure (structure() below: the features count, layers, head, batch size, data size
and optimizer) but differ in data, seeds, learning rate, optimizer hyper-parameters, schedule, penalties
or gradient clipping take their steps together: their parameters are stacked (R, ...) and every layer is
one batched matmul (batched_net.py), each run keeping its own optimizer state (batched_optim.py),
learning rate, schedule, penalties, shuffle generator and dropout generator. A run gives the same losses
in the batch as alone (loop.Run), because each member is built exactly as the engine builds it (its
seed, its PointsKind, its model's initialisation), then stacked; it shuffles with the same generator and
randperm calls; its dropout masks come from a generator holding what the global RNG held after the
build, which is where the alone run draws them; and measure() evaluates as PointsKind.evaluate does.

A scheduler drives it: step() is one optimizer step for every member (all are at the same place in an
epoch), epoch_done says whether that step ended an epoch, measure() gives each member's `metrics` data.
A run leaves with remove(index) (paused, stopped, finished, diverged): it returns the run's state, the
later members' indices shift down by one. A run joins with add(spec, state=None): fresh, or from a state
that remove() or state_of() gave, when it stands where the batch stands in its epoch (a fresh run: at an
epoch's start); a run that stands elsewhere trains alone until it does. state_of(index) is the hand-over
to an alone trainer: the model's state_dict, the torch optimizer's state_dict (for optim.build_optimizer
over the model's parameters), the generators' states, the step and the epoch; kind(index) gives the
member's PointsKind with the batch's weights, for its visuals (boundary, confusion); members[index].step
and .epoch are the envelope of its events. A run no batch takes (structure() is None, or it is alone in
its structure) is time-sliced by the scheduler as before.

CNNs and sequence models would join the same way, in their own kind folders: stack their parameters by
state_dict name and make each layer one batched op (a convolution of R runs is one grouped conv2d with
the runs as groups, channels side by side as batch norm is here; an LSTM or attention layer a bmm per
gate or head), keeping batched_optim's per-run update and the same member hand-over.
"""
from __future__ import annotations

import math

import torch

from ...optim import build_optimizer
from ...probes.metrics import finite_or_none
from ...spec import Spec
from . import batched_optim as optim
from .batched_member import Member, new_member, structure
from .batched_net import StackedMLP, per_run_loss, stack_states
from .kind import PointsKind


class BatchedPoints:
    def __init__(self, specs: list[Spec], device: str = "cpu"):
        if not specs:
            raise ValueError("a batch needs at least one run")
        self.device, self.key = device, structure(specs[0])
        if self.key is None or any(structure(spec) != self.key for spec in specs):
            raise ValueError("the runs of a batch must share one 2-D structure (see structure())")
        self.members = [new_member(spec, device) for spec in specs]
        first = self.members[0].kind
        self.head, self.layers, self.optimizer = first.head, first.layers, specs[0].train.optimizer.name
        self.net = StackedMLP(self.layers)
        self.n, self.n_train = first.x.shape[0], first.x.shape[0]
        self.size = min(specs[0].train.batch_size, self.n)
        starts = list(range(0, self.n, self.size))
        if first.has_batchnorm and self.n - starts[-1] == 1:
            starts.pop()  # as loop.Run: batch norm cannot normalise a batch of one
        self.starts, self.position, self.epoch_done = starts, 0, False
        self._restack()

    def __len__(self) -> int:
        return len(self.members)

    # -- stacking: the members' own state <-> the batch's tensors -------------------------------------

    def _restack(self) -> None:
        members = self.members
        self.params, self.buffers = stack_states([m.kind.model for m in members])
        self.state = {key: {slot: torch.stack([m.state[key][slot] for m in members]) for slot in slots}
                      for key, slots in members[0].state.items()}
        self.optimizer_step = optim.StackedOptimizer(self.optimizer, [m.spec.train.optimizer for m in members])
        self.steps = torch.tensor([float(m.step) for m in members], dtype=torch.float64)
        self.base_lr = torch.tensor([m.spec.train.optimizer.lr for m in members], dtype=torch.float64)
        self.lr = torch.tensor([m.lr for m in members], dtype=torch.float64)
        self.scheduled = any(m.spec.train.schedule.name != "constant" for m in members)
        self.x_all = torch.stack([m.kind.x_all for m in members])
        self.y_all = torch.stack([m.kind.y_all for m in members])
        self.labels_all = torch.stack([m.kind.labels_all for m in members])
        self.x, self.y = self.x_all[:, :self.n], self.y_all[:, :self.n]
        self.shuffled = None if self.position == 0 else self._shuffled(torch.stack([m.order for m in members]))
        trains = [m.spec.train for m in members]

        def column(values: list[float]) -> torch.Tensor | None:  # None where no member has one
            return torch.tensor(values, device=self.device) if any(values) else None
        self.l1, self.l2 = column([t.l1 for t in trains]), column([t.l2 / 2 for t in trains])  # (λ/2)·Σw²
        self.elimination = column([t.weight_elimination.lambda_ if t.weight_elimination else 0.0 for t in trains])
        self.beta2 = torch.tensor([t.weight_elimination.beta ** 2 if t.weight_elimination else 1.0 for t in trains],
                                  device=self.device)
        self.has_penalty = [bool(t.l1 or t.l2 or t.weight_elimination) for t in trains]
        clips = [t.grad_clip for t in trains]
        self.clip = (torch.tensor([c if c is not None else math.inf for c in clips], device=self.device)
                     if any(c is not None for c in clips) else None)
        self.weight_names = [f"hidden.{i}.linear.weight" for i in range(len(self.layers))] + ["output.weight"]
        self.bias_names = [name.replace("weight", "bias") for name in self.weight_names]
        self.layer_names = list(members[0].kind.model.linears())  # dense1, ..., output

    @torch.no_grad()
    def _sync(self, index: int) -> Member:
        """Write the batch's tensors of one member back into its own model and state."""
        member = self.members[index]
        for name, p in member.kind.model.named_parameters():
            p.copy_(self.params[name][index])
            p.grad = None if self.params[name].grad is None else self.params[name].grad[index].clone()
        for name, b in member.kind.model.named_buffers():
            b.copy_(self.buffers[name][index])
        member.state = {key: {slot: value[index].clone() for slot, value in slots.items()}
                        for key, slots in self.state.items()}
        return member

    # -- joining and leaving --------------------------------------------------------------------------

    def state_of(self, index: int) -> dict:
        """Member `index` as an alone trainer (loop.Run) would hold it, to hand it over."""
        m = self._sync(index)
        optimizer = build_optimizer(m.spec.train.optimizer, m.kind.model.parameters())
        optim.to_torch(self.optimizer, optimizer, m.kind.model, m.state, m.step, m.lr)
        return {"spec": m.spec, "model": {k: v.clone() for k, v in m.kind.model.state_dict().items()},
                "optimizer": optimizer.state_dict(), "step": m.step, "epoch": m.epoch,
                "epochs_started": m.epochs_started, "position": m.position, "lr": m.lr,
                "order": None if m.order is None else m.order.clone(),
                "shuffle": m.shuffle.get_state(), "dropout": m.dropout.get_state()}

    def remove(self, index: int) -> dict:
        """Take member `index` out (its state_of); the others train on unchanged."""
        state = self.state_of(index)
        for i in range(len(self.members)):
            if i != index:
                self._sync(i)
        del self.members[index]
        if self.members:
            self._restack()
        return state

    def add(self, spec: Spec, state: dict | None = None) -> int:
        """Let a run join: fresh, or from a state_of(); answers its index."""
        if structure(spec) != self.key:
            raise ValueError("this run's structure is not the batch's")
        member = new_member(spec, self.device)
        if state is not None:
            member.kind.model.load_state_dict(state["model"])
            optimizer = build_optimizer(spec.train.optimizer, member.kind.model.parameters())
            optimizer.load_state_dict(state["optimizer"])
            member.state = optim.from_torch(self.optimizer, optimizer, member.kind.model)
            member.shuffle.set_state(state["shuffle"])
            member.dropout.set_state(state["dropout"])
            for name in ("step", "epoch", "epochs_started", "position", "order", "lr"):
                setattr(member, name, state[name])
        if not self.members:  # an empty batch stands wherever its first member does
            self.position = member.position
        if member.position != self.position:
            raise ValueError(f"the run stands at batch {member.position} of its epoch, the batch at "
                             f"{self.position}: it trains alone until they meet")
        for i in range(len(self.members)):
            self._sync(i)
        self.members.append(member)
        self._restack()
        return len(self.members) - 1

    def kind(self, index: int) -> PointsKind:
        """Member `index`'s kind, its model holding the batch's weights: for its visual events."""
        return self._sync(index).kind

    # -- training ------------------------------------------------------------------------------------

    def _shuffled(self, orders: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        rows = torch.arange(len(self.members), device=self.device).unsqueeze(1)
        return self.x[rows, orders], self.y[rows, orders]  # one gather per epoch; batches are views

    def _noise(self, layer: int, shape: torch.Size) -> torch.Tensor:
        """Each member's dropout masks, scaled, drawn from its own generator as nn.Dropout draws them."""
        masks = []
        for m in self.members:
            keep = 1 - m.kind.layers[layer]["dropout"]
            masks.append(torch.empty(shape[1:]).bernoulli_(keep, generator=m.dropout).div_(keep))
        return torch.stack(masks).to(self.device)

    def _penalty(self) -> torch.Tensor:
        """(R,) each member's weight penalty (regularizers.penalty_fn's terms)."""
        total = torch.zeros(len(self.members), device=self.device)
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
        """One optimizer step of every member; epoch_done tells whether it was the epoch's last."""
        if self.position == 0:
            orders = [torch.randperm(self.n, generator=m.shuffle).to(self.device) for m in self.members]
            for m, order in zip(self.members, orders):
                m.order = order
            self.shuffled = self._shuffled(torch.stack(orders))
        start = self.starts[self.position]
        end = min(start + self.size, self.n)
        if self.scheduled:  # the rate of a step is the schedule's where the step begins
            for m in self.members:
                m.lr = m.spec.train.optimizer.lr * m.spec.train.schedule.factor(m.epochs_started + start / self.n)
            self.lr = torch.tensor([m.lr for m in self.members], dtype=torch.float64)
        x, y = self.shuffled
        out = self.net.forward(self.params, self.buffers, x[:, start:end], True, self._noise)
        loss = per_run_loss(self.head, out, y[:, start:end]).sum()
        if self.l1 is not None or self.l2 is not None or self.elimination is not None:
            loss = loss + self._penalty().sum()
        for p in self.params.values():
            p.grad = None
        loss.backward()  # the sum's gradient in each member's slice is that member's own
        if self.clip is not None:
            self._clip()
        self.steps += 1
        self.optimizer_step.step(self.params, self.state, self.lr, self.steps)
        self.position += 1
        self.epoch_done = self.position == len(self.starts)
        for m in self.members:
            m.step += 1
            m.epoch = m.epochs_started + end / self.n
            m.position = self.position
        if self.epoch_done:
            self.position = 0
            for m in self.members:
                m.epochs_started, m.position = m.epochs_started + 1, 0

    @torch.no_grad()
    def _clip(self) -> None:
        """torch.nn.utils.clip_grad_norm_ per member (an infinite limit where a member has none)."""
        grads = [p.grad for p in self.params.values() if p.grad is not None]
        norms = torch.stack([torch.linalg.vector_norm(g.flatten(1), dim=1) for g in grads], dim=1)
        total = torch.linalg.vector_norm(norms, dim=1)
        factor = (self.clip / (total + 1e-6)).clamp(max=1.0)
        for g in grads:
            g.mul_(factor.view(-1, *[1] * (g.dim() - 1)))

    def _norms(self, names: list[str], grads: bool = False) -> torch.Tensor:
        """(R, layers) L2 norms per member and layer of the named weights (and biases: the same layer's
        weight and bias count together), or of their gradients: squared once, summed by layer."""
        tensors = [self.params[n].grad if grads else self.params[n] for n in names]
        present = [(i % len(self.weight_names), t.flatten(1)) for i, t in enumerate(tensors) if t is not None]
        squares = torch.zeros(len(self.members), len(self.weight_names), device=self.device)
        if present:
            flat = torch.cat([t for _, t in present], dim=1)
            # each column's layer
            layer = torch.cat([torch.full((t.shape[1],), i, device=self.device) for i, t in present])
            squares.index_add_(1, layer, flat * flat)
        return squares.sqrt()

    # -- measuring -----------------------------------------------------------------------------------

    @torch.no_grad()
    def measure(self) -> list[dict]:
        """Each member's `metrics` data, as loop.Run.measure sends it (PointsKind.evaluate in eval mode)."""
        out = self.net.forward(self.params, self.buffers, self.x_all, False)
        n, head = self.n_train, self.head
        columns = [per_run_loss(head, out[:, :n], self.y_all[:, :n]),
                   per_run_loss(head, out[:, n:], self.y_all[:, n:])]
        names = ["train_loss", "test_loss"]
        if head.task == "classification":
            correct = (head.classes(head.score(out.flatten(0, 1))).view(out.shape[:2]) == self.labels_all).float()
            columns += [correct[:, :n].mean(1), correct[:, n:].mean(1)]
            names += ["train_accuracy", "test_accuracy"]
        columns += [self._norms(self.weight_names + self.bias_names, grads=True), self._norms(self.weight_names)]
        columns.append(self._penalty())
        rows = torch.cat([c.view(len(self.members), -1) for c in columns], dim=1).tolist()  # one sync for every member
        layers, k = self.layer_names, len(self.layer_names)
        metrics = []
        for m, row, penalised in zip(self.members, rows, self.has_penalty):
            values = dict(zip(names, row))
            grads, weights = row[len(names):len(names) + k], row[len(names) + k:len(names) + 2 * k]
            metric = {**{key: finite_or_none(v) for key, v in values.items()}, "lr": m.lr,
                      "grad_norms": {layer: finite_or_none(v) for layer, v in zip(layers, grads)},
                      "weight_norms": {layer: finite_or_none(v) for layer, v in zip(layers, weights)}}
            if penalised:
                metric["penalty"] = finite_or_none(row[-1])
            metrics.append(metric)
        return metrics
