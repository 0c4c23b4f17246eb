"""One run of a BatchedPoints, built as loop.Run builds it, and the structure runs must share to batch."""
from __future__ import annotations

from dataclasses import dataclass, field

import torch

from ...datasets import DATASETS
from ...losses import make_head
from ...spec import Spec
from . import batched_optim as optim
from .kind import PointsKind


def structure(spec: Spec) -> tuple | None:
    """What runs must share to train in one batch; None for a spec no batch takes (not 2-D points)."""
    data, train = spec.data, spec.train
    if DATASETS[data.dataset].kind != "2d":
        return None
    task = DATASETS[data.dataset].task
    head = make_head(train.loss, task, spec.model.output_activation)
    layers = tuple((layer.units, layer.activation, layer.dropout > 0, layer.batchnorm) for layer in spec.model.layers)
    return (len(data.features), layers, task, head.loss_name, head.output_activation, train.batch_size,
            data.n_samples, data.test_fraction, train.optimizer.name)


@dataclass
class Member:
    """One run of the batch, as loop.Run would hold it; its weights live in the batch while it is in one."""
    spec: Spec
    kind: PointsKind  # its data, head and model (the model holds the batch's weights only after a sync)
    shuffle: torch.Generator
    dropout: torch.Generator  # the global RNG as the alone run would leave it after building its model
    state: dict  # its optimizer's slots (batched_optim.SLOTS), while not stacked
    step: int = 0
    epoch: float = 0.0  # as loop.Run's: whole epochs plus the share of this one done
    epochs_started: int = 0
    position: int = 0  # the next batch's index in the current epoch
    order: torch.Tensor | None = None  # the current epoch's permutation
    lr: float = field(default=0.0)


def new_member(spec: Spec, device: str) -> Member:
    """Built as loop.Run builds its run: seeded, then the kind (data, model, initialisation)."""
    with torch.random.fork_rng(devices=[]):  # the process's RNG is left as it was
        torch.manual_seed(spec.train.seed)
        shuffle = torch.Generator().manual_seed(spec.train.seed)
        kind = PointsKind(spec, device, spec.stream.max_fps > 0)
        dropout = torch.Generator()
        dropout.set_state(torch.get_rng_state())
    return Member(spec, kind, shuffle, dropout, optim.fresh_state(spec.train.optimizer.name, kind.model),
                  lr=spec.train.optimizer.lr)
