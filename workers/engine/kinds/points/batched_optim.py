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


def _per_run(value: torch.Tensor, like: torch.Tensor) -> torch.Tensor:
    """A (R,) tensor shaped to broadcast over a stacked (R, ...) parameter, in its dtype."""
    return value.to(like.device, like.dtype).view(-1, *[1] * (like.dim() - 1))


class StackedOptimizer:
    """One optimizer for every run of a batch; built again whenever the batch's members change."""

    def __init__(self, name: str, optimizers: list):
        self.name = name
        fields = [f for f in type(optimizers[0]).model_fields if f not in ("name", "lr")]
        # float64 (R,) per field: Adam's bias corrections are computed in float64, as torch's are.
        self.hyper = {f: torch.tensor([float(getattr(o, f)) for o in optimizers], dtype=torch.float64)
                      for f in fields}
        self.momentum = "momentum" in self.hyper and bool(self.hyper["momentum"].any())
        self.nesterov = "nesterov" in self.hyper and bool(self.hyper["nesterov"].any())
        self.views: dict = {}  # per-run factors shaped for each parameter, built once (see _view)
        self.rates: tuple = (None, None)  # (the lr tensor, its views): rebuilt only when the lr changes

    def _view(self, field: str, p: torch.Tensor) -> torch.Tensor:
        key = (field, p.dim())
        if key not in self.views:
            name = field.removeprefix("1-")  # "1-beta1": 1 - beta1, computed in float64 as torch does
            self.views[key] = _per_run(self.hyper[name] if name == field else 1 - self.hyper[name], p)
        return self.views[key]

    @torch.no_grad()
    def step(self, params: dict, state: dict, lr: torch.Tensor, steps: torch.Tensor) -> None:
        """One update of every run's parameters with lr (R,) float64; `steps` (R,) counts each run's
        updates, this one included."""
        keys = [key for key, p in params.items() if p.grad is not None]
        if self.rates[0] is not lr:
            self.rates = (lr, [_per_run(lr, params[key]).expand_as(params[key]) for key in keys])
        rates = self.rates[1]
        if self.name == "sgd" and not self.momentum:  # plain SGD: one foreach call, as loop.Run's
            torch._foreach_addcmul_([params[k] for k in keys], [params[k].grad for k in keys], rates, value=-1)
            return
        for key, rate in zip(keys, rates):
            p = params[key]
            self._update(p, p.grad, state[key], rate, lr, steps)

    def _update(self, p, g, slots, rate, lr, steps) -> None:
        if self.name == "sgd":
            buf = slots["momentum_buffer"].mul_(self._view("momentum", p)).add_(g)  # torch starts at g: m·0 + g
            if self.nesterov:  # Nesterov: g + m·buf; the others: buf
                buf = torch.where(self._view("nesterov", p) > 0, g + self._view("momentum", p) * buf, buf)
            p.sub_(rate * buf)
        elif self.name == "adagrad":
            total = slots["sum"].addcmul_(g, g)
            p.sub_(rate * (g / total.sqrt().add_(ADAGRAD_EPS)))
        elif self.name == "rmsprop":
            square = slots["square_avg"].mul_(self._view("alpha", p)).add_(self._view("1-alpha", p) * g * g)
            average = square.sqrt().add_(RMSPROP_EPS)
            if self.momentum:  # momentum 0 for some: their buf is g / avg, torch's update without momentum
                buf = slots["momentum_buffer"].mul_(self._view("momentum", p)).add_(g / average)
                p.sub_(rate * buf)
            else:
                p.sub_(rate * (g / average))
        else:  # adam: torch computes the bias corrections in Python floats (float64)
            slots["exp_avg"].lerp_(g, self._view("1-beta1", p))
            slots["exp_avg_sq"].mul_(self._view("beta2", p)).add_(self._view("1-beta2", p) * g * g)
            step_size = _per_run(lr / (1 - self.hyper["beta1"] ** steps), p)
            root = _per_run((1 - self.hyper["beta2"] ** steps).sqrt(), p)
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
