"""Many runs in one scheduler: fair slices, paused runs hold no slot, control heard at the next slice."""
from __future__ import annotations

import json

import pytest
import torch

from workers.engine.control import set_message
from workers.scheduler import Scheduler, Slice

LONG = json.dumps({"data": {"dataset": "circle", "n_samples": 200}, "model": {"layers": [{"units": 4}]},
                   "train": {"epochs": 100000}, "stream": {"max_fps": 0}})


@pytest.fixture(autouse=True)
def one_thread():
    torch.set_num_threads(1)  # as a scheduler process trains


STEPS_10 = Slice(steps=10, seconds=10.0)


@pytest.fixture(params=[0, 64], ids=["alone", "batched"], autouse=True)
def batch_limit(request, monkeypatch):
    """Every test twice: each run alone, and runs of one structure batched (workers/batching.py)."""
    monkeypatch.setattr(Recorded, "batch_limit", request.param)
    return request.param


class Recorded:
    """A scheduler on this thread, and every event it emitted, by run."""

    batch_limit = 0

    def __init__(self, active_limit: int = 8, budget: Slice = STEPS_10):
        self.events: dict[str, list[dict]] = {}
        self.scheduler = Scheduler(lambda run_id, e: self.events.setdefault(run_id, []).append(e), "cpu",
                                   active_limit, budget, self.batch_limit)

    def submit(self, *run_ids: str, early=()) -> None:
        for run_id in run_ids:
            self.scheduler.submit(run_id, LONG, early)

    def steps(self, run_id: str) -> int:
        job = self.scheduler.jobs[run_id]
        run = job.runs[run_id] if hasattr(job, "runs") else job.run  # in a group, or alone
        return run.step if run is not None else 0

    def statuses(self, run_id: str) -> list[str]:
        return [e["data"]["status"] for e in self.events.get(run_id, []) if e["type"] == "status"]

    def tick_until(self, condition, limit: int = 100_000) -> None:
        for _ in range(limit):
            if condition():
                return
            self.scheduler.tick()
        raise AssertionError("the condition never came")


@pytest.mark.parametrize("budget", [Slice(steps=7, seconds=10.0), Slice(steps=10_000, seconds=0.02)],
                         ids=["by-steps", "by-time"])
def test_two_runs_share_the_steps_fairly(budget):
    hosted = Recorded(budget=budget)
    hosted.submit("a", "b")
    hosted.tick_until(lambda: hosted.steps("a") + hosted.steps("b") >= 1000)
    a, b = hosted.steps("a"), hosted.steps("b")
    assert abs(a - b) <= 0.2 * max(a, b), (a, b)


def test_runs_in_a_batch_and_a_run_alone_get_fair_shares():
    """Batched, a and b share one job and c (another structure) trains alone: a slice is as many steps for
    each run of a job as for a run alone."""
    hosted = Recorded()
    hosted.submit("a", "b")
    hosted.scheduler.submit("c", LONG.replace('"units": 4', '"units": 3'))
    hosted.tick_until(lambda: hosted.steps("a") + hosted.steps("b") + hosted.steps("c") >= 1500)
    steps = [hosted.steps(run_id) for run_id in "abc"]
    assert max(steps) - min(steps) <= 0.2 * max(steps), steps
    assert len(hosted.scheduler.active) == (2 if hosted.batch_limit else 3)


def test_paused_runs_hold_no_slot():
    hosted = Recorded(active_limit=2)
    hosted.submit("a", "b", early=["pause"])
    hosted.tick_until(lambda: hosted.statuses("a")[-1:] == hosted.statuses("b")[-1:] == ["paused"])
    hosted.submit("c")
    hosted.tick_until(lambda: hosted.steps("c") >= 100)
    assert hosted.steps("a") == hosted.steps("b") == 0  # parked: never advanced
    assert len(hosted.scheduler.active) == 1 and len(hosted.scheduler.parked) == 2


def test_a_run_beyond_the_bound_waits_for_a_slot():
    hosted = Recorded(active_limit=1)
    hosted.submit("a", "b")
    hosted.tick_until(lambda: hosted.steps("a") >= 50)
    assert "b" not in hosted.events  # not even built
    hosted.scheduler.control("a", "stop")
    hosted.tick_until(lambda: hosted.steps("b") >= 10)
    assert hosted.statuses("a")[-1] == "cancelled"


def test_control_reaches_a_run_at_the_next_slice():
    hosted = Recorded(budget=STEPS_10)
    hosted.submit("a", "b")
    hosted.tick_until(lambda: hosted.steps("a") >= 25)
    at = hosted.steps("a")
    hosted.scheduler.control("a", "pause")
    hosted.tick_until(lambda: hosted.statuses("a")[-1] == "paused")
    paused = [e for e in hosted.events["a"] if e["type"] == "status"][-1]
    assert paused["step"] == at  # not one step trained between the action and its effect
    hosted.scheduler.control("a", set_message({"train.optimizer.lr": 0.25}))
    hosted.scheduler.control("a", "resume")
    hosted.tick_until(lambda: hosted.steps("a") >= at + 40)
    metrics = [e for e in hosted.events["a"] if e["type"] == "metrics" and e["step"] > at]
    assert metrics and all(m["data"]["lr"] == 0.25 for m in metrics)


def test_a_run_that_raises_fails_alone():
    hosted = Recorded()
    hosted.submit("a")
    hosted.scheduler.submit("broken", json.dumps({"data": {"dataset": "circle"}, "train": {"epochs": 5},
                                                  "model": {"layers": [{"units": 4}]}}))
    hosted.scheduler.jobs["broken"].device = "no-such-device"  # building its model on it raises
    hosted.tick_until(lambda: hosted.statuses("broken")[-1:] == ["failed"])
    assert hosted.events["broken"][-1]["data"]["message"].startswith("training crashed:")
    hosted.tick_until(lambda: hosted.steps("a") >= 100)


def test_a_forgotten_run_says_nothing_more_and_the_others_go_on():
    """A run whose lease went to another attempt is dropped silently (workers/celery_host.py); one alone, or
    one of a batch, leaves its job to the others."""
    hosted = Recorded()
    hosted.submit("a", "b", "c")
    hosted.tick_until(lambda: min(hosted.steps(run_id) for run_id in "abc") >= 20)
    said = len(hosted.events["b"])
    hosted.scheduler.forget("b")
    hosted.scheduler.forget("gone")  # one it never hosted: nothing to do
    before = {run_id: hosted.steps(run_id) for run_id in "ac"}
    hosted.tick_until(lambda: all(hosted.steps(run_id) >= before[run_id] + 50 for run_id in "ac"))
    assert len(hosted.events["b"]) == said and "b" not in hosted.scheduler.jobs
    assert hosted.scheduler.hosted == 2
