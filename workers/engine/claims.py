"""A lesson's claim, machine-checkable: what its run (and its `compare` run) must show, and how to check it.

A claim is a list of checks and the training seeds to check them on (the median over the seeds is what
is checked, so one unlucky seed cannot flip it). A check bounds one measured value of one run, or
compares it between the lesson's run and its compare run:

    {"metric": "test_accuracy", "at_least": 0.95}                  the lesson's run ends at 95 % or more
    {"metric": "test_accuracy", "at_most": 0.6, "run": "compare"}  ... the compare run at 60 % or less
    {"metric": "test_loss", "at": "best", "at_most": 0.1}          its best epoch, not its last
    {"metric": "test_accuracy", "until": 5, "at_most": 0.2}         ... as it was at epoch 5
    {"compare": "test_loss", "lower_by": 0.05}                      lesson's ≤ compare's − 0.05
    {"compare": "test_accuracy", "higher_by": 0.1}                  lesson's ≥ compare's + 0.1
    {"compare": "train_loss", "ratio_at_most": 0.5}                 lesson's ≤ 0.5 × compare's
    {"metric": "diverged_epoch", "at_most": 20}                     the run diverges by epoch 20
    {"metric": "distinct_units", "at_most": 1}                      the hidden units stay identical
    {"metric": "vowel_separation", "at_least": 1.4}                 the embedding gathers the vowels

Plain data without torch, as the presets are; `measure` reads a run's events, `check_claim` runs a lesson.
"""
from __future__ import annotations

import copy
import math
import statistics
from typing import Annotated, Callable, Literal

from pydantic import Field, model_validator

from .schema import Strict

# What a run's events give (see measure): the last epoch's metrics, and these derived ones.
METRICS = {
    "train_loss": "the training loss", "test_loss": "the test loss",
    "train_accuracy": "the training accuracy", "test_accuracy": "the test accuracy",
    "gap": "the test loss minus the training loss (the generalisation gap)",
    "epochs": "the epochs trained (fewer than asked when early stopping stops the run)",
    "best_epoch": "the epoch of the lowest test loss",
    "diverged_epoch": "the epoch at which the run diverged (infinite when it did not)",
    "max_relative_error": "the largest relative error of every gradient check",
    "distinct_units": "how many different hidden units the first hidden layer has (weights to 10⁻⁴)",
    "small_weights": "the share of weights (not biases) below 0.01 in magnitude",
    "energy_distance": "GANs: the energy distance from G's points to the real test points",
    "modes_covered": "GANs on ring and grid: the modes G's points cover",
    "active_code_units": "autoencoders: the code units above zero per test image, on average",
    "vowel_separation": "character models of the text: the vowels' mean distance to the consonants over their "
                        "mean distance to each other, in the embedding (about 1 at random)",
}
# read as the metrics event gives them
EPOCH_MEASURES = ("energy_distance", "modes_covered", "active_code_units", "vowel_separation")
MetricName = Literal[tuple(METRICS)]  # type: ignore[valid-type]
BOUNDS = ("at_least", "at_most")
AGAINST = ("lower_by", "higher_by", "ratio_at_most", "ratio_at_least")
Seed = Annotated[int, Field(ge=0, le=2**31 - 1)]


class Check(Strict):
    metric: MetricName | None = Field(None, description="bound this value of one run (with at_least or at_most)")
    compare: MetricName | None = Field(None, description="compare this value of the lesson's run with the compare "
                                       "run's (with lower_by, higher_by or ratio_at_most)")
    run: Literal["lesson", "compare"] = Field("lesson", description="metric: whose run")
    at: Literal["final", "best"] = Field("final", description="a loss or accuracy at the last epoch, or the best "
                                         "of all epochs (lowest loss, highest accuracy)")
    until: float | None = Field(None, gt=0, description="a loss or accuracy as it was at this epoch (the best: "
                                "of the epochs up to it), not at the end")
    at_least: float | None = None
    at_most: float | None = None
    lower_by: float | None = Field(None, description="lesson's ≤ compare's − this")
    higher_by: float | None = Field(None, description="lesson's ≥ compare's + this")
    ratio_at_most: float | None = Field(None, description="lesson's ≤ this × compare's")
    ratio_at_least: float | None = Field(None, description="lesson's ≥ this × compare's")

    @model_validator(mode="after")
    def _one_condition(self) -> "Check":
        bounds = [k for k in BOUNDS if getattr(self, k) is not None]
        against = [k for k in AGAINST if getattr(self, k) is not None]
        if (self.metric is None) == (self.compare is None):
            raise ValueError("a check names either metric or compare")
        if self.metric is not None and (len(bounds) != 1 or against):
            raise ValueError("a metric check has exactly one of at_least, at_most")
        if self.compare is not None and (len(against) != 1 or bounds or self.run != "lesson"):
            raise ValueError("a compare check has exactly one of lower_by, higher_by, ratio_at_most, ratio_at_least")
        return self


class Claim(Strict):
    """What the lesson shows, as checks that all hold, on the median over the training seeds."""
    checks: list[Check] = Field(min_length=1)
    seeds: list[Seed] = Field([1], min_length=1, description="train.seed values to run; each value checked is "
                              "the median over them")


def _best(name: str, values: list[float]) -> float:
    return min(values) if "loss" in name else max(values)


def measure(events: list[dict]) -> dict[str, float]:
    """Every METRICS value one run's events give (a value the run cannot give is left out)."""
    from .events import decode  # numpy only

    metrics = [e["data"] for e in events if e["type"] == "metrics"]
    status = events[-1]["data"]
    diverged = status["status"] == "failed" and "diverged" in (status.get("message") or "")
    found: dict[str, float] = {"epochs": events[-1]["epoch"] if metrics else 0.0,
                               "diverged_epoch": events[-1]["epoch"] if diverged else math.inf}
    for name in ("train_loss", "test_loss", "train_accuracy", "test_accuracy", *EPOCH_MEASURES):
        series = [m[name] for m in metrics if m.get(name) is not None]
        if series:
            found[name], found[f"best:{name}"] = series[-1], _best(name, series)
            found[f"series:{name}"] = [[e["epoch"], e["data"][name]] for e in events  # type: ignore[assignment]
                                       if e["type"] == "metrics" and e["data"].get(name) is not None]
    if "train_loss" in found and "test_loss" in found:
        found["gap"] = found["test_loss"] - found["train_loss"]
    epochs = [e["epoch"] for e in events if e["type"] == "metrics" and e["data"].get("test_loss") is not None]
    losses = [m["test_loss"] for m in metrics if m.get("test_loss") is not None]
    if losses:
        found["best_epoch"] = epochs[losses.index(min(losses))]
    checks = [e["data"]["max_relative_error"] for e in events if e["type"] == "gradient_check"]
    if checks:
        found["max_relative_error"] = max(checks)
    weights = next((e["data"]["state"] for e in reversed(events) if e["type"] == "final_weights"), None)
    if weights:
        matrices = {k: decode(v) for k, v in weights.items() if k.endswith("weight") and len(v["shape"]) == 2}
        if matrices:
            first = next(iter(matrices.values()))
            found["distinct_units"] = float(len({tuple(row) for row in (first / 1e-4).round().tolist()}))
            total = sum(m.size for m in matrices.values())
            found["small_weights"] = sum(float((abs(m) < 0.01).sum()) for m in matrices.values()) / total
    return found


def value(measured: dict[str, float], name: str, at: str, until: float | None = None) -> float:
    if until is not None:
        series = [v for epoch, v in measured.get(f"series:{name}", []) if epoch <= until]  # type: ignore[attr-defined]
        if not series:
            raise KeyError(f"the run gives no {name} by epoch {until:g}")
        return _best(name, series) if at == "best" else series[-1]
    key = f"best:{name}" if at == "best" and f"best:{name}" in measured else name
    if key not in measured:
        raise KeyError(f"the run gives no {name}")
    return measured[key]


def median(runs: list[dict[str, float]], name: str, at: str, until: float | None = None) -> float:
    return statistics.median(value(measured, name, at, until) for measured in runs)


def when(check: Check) -> str:
    return check.at + (f" by epoch {check.until:g}" if check.until is not None else "")


def verdicts(claim: Claim, lesson: list[dict[str, float]], compare: list[dict[str, float]]) -> list[tuple[str, bool]]:
    """(a sentence with the measured figures, whether it holds) for each check; `lesson` and `compare` hold
    one measure() per seed."""
    answers = []
    for check in claim.checks:
        if check.metric is not None:
            got = median(lesson if check.run == "lesson" else compare, check.metric, check.at, check.until)
            bound, kind = (check.at_least, "≥") if check.at_least is not None else (check.at_most, "≤")
            holds = got >= bound if kind == "≥" else got <= bound
            answers.append((f"{check.run} {when(check)} {check.metric} = {got:.4g} {kind} {bound:g}", holds))
            continue
        mine = median(lesson, check.compare, check.at, check.until)
        theirs = median(compare, check.compare, check.at, check.until)
        if check.lower_by is not None:
            holds, rule = mine <= theirs - check.lower_by, f"≤ compare's {theirs:.4g} − {check.lower_by:g}"
        elif check.higher_by is not None:
            holds, rule = mine >= theirs + check.higher_by, f"≥ compare's {theirs:.4g} + {check.higher_by:g}"
        elif check.ratio_at_most is not None:
            holds, rule = mine <= check.ratio_at_most * theirs, f"≤ {check.ratio_at_most:g} × compare's {theirs:.4g}"
        else:
            holds, rule = mine >= check.ratio_at_least * theirs, f"≥ {check.ratio_at_least:g} × compare's {theirs:.4g}"
        answers.append((f"lesson {when(check)} {check.compare} = {mine:.4g} {rule}", holds))
    return answers


def variant(preset: dict, which: str, seed: int, train: dict | None = None) -> dict:
    """The lesson's spec (or its compare spec) with train.seed set, visual frames off, `train` overrides."""
    body = copy.deepcopy(preset["spec"] if which == "lesson" else preset["compare"]["spec"])
    body.setdefault("train", {}).update({"seed": seed, **(train or {})})
    body["stream"] = {**body.get("stream", {}), "max_fps": 0}
    return body


def check_claim(preset: dict, runner: Callable[[dict], list[dict]] | None = None) -> list[tuple[str, bool]]:
    """Run the lesson (and its compare run) on each of the claim's seeds, and check its claim."""
    claim = Claim.model_validate(preset["claim"])
    runner = runner or run_events
    needs_compare = any(c.compare is not None or c.run == "compare" for c in claim.checks)
    lesson = [measure(runner(variant(preset, "lesson", seed))) for seed in claim.seeds]
    compare = [measure(runner(variant(preset, "compare", seed))) for seed in claim.seeds] if needs_compare else []
    return verdicts(claim, lesson, compare)


def run_events(body: dict) -> list[dict]:
    """Train one spec in this process and return its events (the test's and the benchmark's runner)."""
    from .control import Never
    from .loop import train
    from .spec import Spec

    events: list[dict] = []
    train(Spec.model_validate(body), events.append, Never())
    return events
