"""The autoencoder lessons' claims, measured: train a lesson's runs and compare what its `claim` names
(presets.py says the form). The fast test and the benchmark both check claims through here."""
from __future__ import annotations

import torch

from ...control import Never
from ...loop import Run
from ...spec import Spec


def measured(body: dict, seed: int | None = None) -> dict[str, float]:
    """Train one spec (visuals off; `seed`: data and training seed instead of the spec's) and measure it: the
    first and final test_loss, and active_code_units (code units above zero per test image, on average)."""
    body = {**body, "stream": {"max_fps": 0}}
    if seed is not None:
        body = {**body, "data": {**body["data"], "seed": seed}, "train": {**body["train"], "seed": seed}}
    events: list[dict] = []
    run = Run(Spec.model_validate(body), events.append, Never(), "cpu")
    run.run()
    status = events[-1]["data"]
    if status["status"] != "succeeded":
        raise AssertionError(f"the run ended {status['status']}: {status.get('message')}")
    losses = [e["data"]["test_loss"] for e in events if e["type"] == "metrics"]
    kind = run.kind
    with torch.inference_mode():
        code = kind.model.encode(kind.x_test_shown)  # (N, code)
    return {"first_epoch": losses[0], "test_loss": losses[-1],
            "active_code_units": (code > 0).float().sum(dim=1).mean().item()}


def ratio(preset: dict, seed: int | None = None) -> float:
    """The claim's measure of its run over that of what it is compared with: the claim holds below `below`."""
    claim = preset["claim"]
    runs = {"spec": preset["spec"], **({"compare": preset["compare"]["spec"]} if "compare" in preset else {})}
    values = {name: measured(body, seed) for name, body in runs.items()}
    own = values[claim["run"]]
    against = own["first_epoch"] if claim["of"] == "first_epoch" else values[claim["of"]][claim["measure"]]
    return own[claim["measure"]] / against
