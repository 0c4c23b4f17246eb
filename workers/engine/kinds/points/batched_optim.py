"""torch.optim's SGD (momentum, Nesterov), Adagrad, RMSprop and Adam on stacked (R, ...) parameters, with
every hyper-parameter and the learning rate per run.

Each update is torch.optim's single-tensor algorithm (the one it uses on the CPU) written element-wise,
with a run's hyper-parameters broadcast over its slice, so a run in the batch takes the same steps as the
same run alone. A zero momentum or a Nesterov off is a zero factor, so SGD with and without momentum
share one batch. State lives per run in `state` (name -> {slot: (R, ...)}), and converts to and from
torch.optim's own state_dict for the hand-over to an alone trainer.
"""
from __future__ import annotations

import torch

ADAM_EPS, RMSPROP_EPS, ADAGRAD_EPS = 1e-8, 1e-8, 1e-10  # torch.optim's defaults, which optim.py keeps

SLOTS = {  # the per-parameter state torch.optim keeps, by optimizer (step apart)
    "sgd": ("momentum_buffer",), "adagrad": ("sum",), "rmsprop": ("square_avg", "momentum_buffer"),
    "adam": ("exp_avg", "exp_avg_sq"),
}
COUNTS_STEPS = {"adagrad", "rmsprop", "adam"}  # those whose torch state holds a step count


def hyper_parameters(optimizers: list) -> dict[str, torch.Tensor]:
    """The spec's optimizer fields per run, as float64 (R,) tensors (lr is set per step: see step())."""
    fields = [f for f in type(optimizers[0]).model_fields if f not in ("name", "lr")]
    return {f: torch.tensor([float(getattr(o, f)) for o in optimizers], dtype=torch.float64) for f in fields}


def _per_run(value: torch.Tensor, like: torch.Tensor) -> torch.Tensor:
    """A (R,) tensor shaped to broadcast over a stacked (R, ...) parameter, in its dtype."""
    return value.to(like.dtype).view(-1, *[1] * (like.dim() - 1))


@torch.no_grad()
def step(name: str, params: dict, state: dict, hyper: dict, lr: torch.Tensor, steps: torch.Tensor) -> None:
    """One update of every run's parameters; `steps` (R,) counts each run's updates, this one included."""
    for key, p in params.items():
        if p.grad is None:
            continue
        g, slots, rate = p.grad, state[key], _per_run(lr, p)
        if name == "sgd" and not hyper["momentum"].any():
            p.sub_(rate * g)  # plain SGD: no buffer to keep
        elif name == "sgd":
            m = _per_run(hyper["momentum"], p)
            buf = slots["momentum_buffer"].mul_(m).add_(g)  # torch starts the buffer at g: m·0 + g
            if hyper["nesterov"].any():  # Nesterov: g + m·buf; the others: buf
                buf = torch.where(_per_run(hyper["nesterov"], p) > 0, g + m * buf, buf)
            p.sub_(rate * buf)
        elif name == "adagrad":
            total = slots["sum"].addcmul_(g, g)
            p.sub_(rate * (g / total.sqrt().add_(ADAGRAD_EPS)))
        elif name == "rmsprop":
            alpha = _per_run(hyper["alpha"], p)
            square = slots["square_avg"].mul_(alpha).add_((1 - alpha) * g * g)
            average = square.sqrt().add_(RMSPROP_EPS)
            buf = slots["momentum_buffer"].mul_(_per_run(hyper["momentum"], p)).add_(g / average)
            p.sub_(rate * buf)  # momentum 0: buf is g / avg, torch's update without momentum
        else:  # adam: torch computes the bias corrections in Python floats (float64)
            beta1, beta2 = hyper["beta1"], hyper["beta2"]
            slots["exp_avg"].lerp_(g, _per_run(1 - beta1, p))
            slots["exp_avg_sq"].mul_(_per_run(beta2, p)).add_(_per_run(1 - beta2, p) * g * g)
            step_size = _per_run(lr / (1 - beta1 ** steps), p)
            root = _per_run((1 - beta2 ** steps).sqrt(), p)
            p.sub_(step_size * (slots["exp_avg"] / (slots["exp_avg_sq"].sqrt() / root).add_(ADAM_EPS)))


def fresh_state(name: str, model: torch.nn.Module) -> dict[str, dict[str, torch.Tensor]]:
    """A run's state before its first step: zeros (torch's first momentum step, m·0 + g, is g)."""
    return {key: {slot: torch.zeros_like(p) for slot in SLOTS[name]} for key, p in model.named_parameters()}


def to_torch(name: str, optimizer, model: torch.nn.Module, state: dict, steps: int, lr: float) -> None:
    """Load one run's state into `optimizer` (optim.build_optimizer over model.parameters()), as if it
    had taken those steps itself."""
    saved = optimizer.state_dict()
    keyed = {}
    for index, (key, _) in enumerate(model.named_parameters()):
        slots = {slot: value.clone() for slot, value in state[key].items()
                 if not (slot == "momentum_buffer" and saved["param_groups"][0].get("momentum", 0) == 0)}
        if name in COUNTS_STEPS:
            slots["step"] = torch.tensor(float(steps))
        if slots and steps:
            keyed[index] = slots
    for group in saved["param_groups"]:
        group["lr"] = lr
    optimizer.load_state_dict({"state": keyed, "param_groups": saved["param_groups"]})


def from_torch(name: str, optimizer, model: torch.nn.Module) -> dict:
    """One alone run's torch optimizer state (over model.parameters()) as a state for the batch."""
    state = fresh_state(name, model)
    for key, p in model.named_parameters():
        for slot, value in optimizer.state.get(p, {}).items():
            if slot in state[key] and value is not None:
                state[key][slot] = value.detach().clone()
    return state
