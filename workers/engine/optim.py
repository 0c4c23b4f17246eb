"""The torch optimizer behind each of optim_spec.OPTIMIZERS, by the same names."""
from __future__ import annotations

from typing import Callable

import torch
import torch._dynamo  # noqa: F401 - see below

from .optim_spec import OPTIMIZERS

# torch.optim.Optimizer() imports torch._dynamo the first time one is made: 2 to 5 s on these machines, paid
# by every training process before its first event. Imported here, it is paid once where the trainer is
# loaded: in the embedded runner's forkserver (before any run), or as a Celery worker starts.

BUILDERS: dict[str, Callable] = {  # (the spec's optimizer, parameters) -> torch optimizer
    "sgd": lambda o, params: torch.optim.SGD(params, lr=o.lr, momentum=o.momentum, nesterov=o.nesterov),
    "adagrad": lambda o, params: torch.optim.Adagrad(params, lr=o.lr),
    "rmsprop": lambda o, params: torch.optim.RMSprop(params, lr=o.lr, alpha=o.alpha, momentum=o.momentum),
    "adam": lambda o, params: torch.optim.Adam(params, lr=o.lr, betas=(o.beta1, o.beta2)),
}
assert BUILDERS.keys() == OPTIMIZERS.keys(), "every optimizer needs a builder, and only those"


def build_optimizer(optimizer, params) -> torch.optim.Optimizer:
    return BUILDERS[optimizer.name](optimizer, params)
