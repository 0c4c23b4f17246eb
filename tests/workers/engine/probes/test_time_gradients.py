"""The time-gradients probe: ‖∂loss/∂x_t‖ per step, without touching the model's own gradients."""
from __future__ import annotations

import torch
from torch.nn import functional as F

from workers.engine.probes.time_gradients import PROBE, TimeGradientsData, time_gradients_event
from workers.engine.kinds.sequences.datasets import IGNORE

from .models import seq_net


def loss_fn(out: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    return F.cross_entropy(out.flatten(0, 1), targets.flatten(), ignore_index=IGNORE)


def test_a_left_to_right_rnn_scored_at_one_step_has_no_gradient_from_later_steps():
    model = seq_net(6, 5, {"type": "embedding", "dim": 4}, {"type": "lstm", "hidden": 6})
    inputs = torch.randint(0, 5, (3, 6), generator=torch.Generator().manual_seed(1))
    targets = torch.full((3, 6), IGNORE)
    targets[:, 2] = torch.tensor([1, 2, 3])  # only step 2 asks for an answer
    scored = [t == 2 for t in range(6)]
    data = time_gradients_event(model, loss_fn, inputs, targets, None, list("abcdef"), scored)
    TimeGradientsData.model_validate(data)
    assert (data["probes"], data["scored"], data["tokens"]) == (3, scored, list("abcdef"))
    norms = data["norms"]
    assert len(norms) == 6 and all(n > 0 for n in norms[:3]) and norms[3:] == [0.0, 0.0, 0.0]
    assert all(p.grad is None for p in model.parameters())  # the training step's gradients are untouched


def test_the_norms_are_the_mean_over_probes_of_each_steps_input_gradient():
    model = seq_net(4, 3, {"type": "embedding", "dim": 2}, {"type": "gru", "hidden": 3, "bidirectional": True})
    inputs, targets = torch.tensor([[0, 1, 2, 0], [2, 2, 1, 0]]), torch.tensor([[1, 1, 0, 2], [0, 1, IGNORE, 2]])
    data = time_gradients_event(model, loss_fn, inputs, targets, None, list("wxyz"), [True] * 4)
    embedded = model.embed(inputs).detach().requires_grad_(True)  # (P, T, F)
    (grad,) = torch.autograd.grad(loss_fn(model.from_embedded(embedded), targets), embedded)
    expected = grad.norm(dim=2).mean(dim=0)
    assert torch.allclose(torch.tensor(data["norms"]), expected)
    assert data["norms"][0] > 0  # bidirectional: the first step feeds every answer


def test_a_gradient_that_is_not_finite_sends_nothing():
    model = seq_net(4, 3, {"type": "embedding", "dim": 2}, {"type": "rnn", "hidden": 2})
    with torch.no_grad():
        model.output.weight.fill_(float("nan"))
    targets = torch.zeros(1, 4, dtype=torch.long)
    assert time_gradients_event(model, loss_fn, torch.zeros(1, 4, dtype=torch.long), targets, None,
                                list("abcd"), [True] * 4) is None


def test_time_gradients_are_a_frame_kept_latest_only():
    assert (PROBE.type, PROBE.cadence.value, PROBE.storage.value) == ("time_gradients", "frame", "latest")
