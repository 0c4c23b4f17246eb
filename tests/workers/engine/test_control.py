"""Pause, step, resume and stop as the engine hears them, and how runs end."""
from __future__ import annotations

from workers.engine.control import Scripted

from tests.workers.engine.helpers import final, of, run, spec

LONG = dict(data={"dataset": "xor", "n_samples": 40}, train={"epochs": 50, "batch_size": 10},
            stream={"max_fps": 1})


def statuses(events):
    return [e["data"]["status"] for e in of(events, "status")]


def test_pause_then_step_trains_to_the_end_of_the_epoch_then_pauses_again():
    # poll 1 (first step): pause; wait: step; then it trains to the epoch end and waits: resume.
    events = run(spec(**LONG), Scripted([None, "pause", "step", "resume"]))
    assert statuses(events) == ["running", "paused", "paused", "running", "succeeded"]
    paused_at = [i for i, e in enumerate(events) if e["type"] == "status" and e["data"]["status"] == "paused"]
    between = events[paused_at[0]:paused_at[1]]
    assert [e["epoch"] for e in of(between, "metrics")] == [1.0]  # the step finished epoch 1 and no more
    assert of(events[paused_at[0] - 1:paused_at[0]], "boundary")  # a frame of the paused state


def test_step_from_a_pause_at_an_epoch_boundary_trains_one_whole_epoch():
    # Two steps per epoch: four quiet polls finish epochs 1 and 2; the pause comes at epoch 3's start.
    events = run(spec(**LONG), Scripted([None, None, None, None, "pause", "step", None, None, "step", "stop"]))
    assert [m["epoch"] for m in of(events, "metrics")] == [1.0, 2.0, 3.0]
    paused = [e for e in of(events, "status") if e["data"]["status"] == "paused"]
    assert [(p["epoch"], p["step"]) for p in paused] == [(2.0, 4), (3.0, 6)]  # one whole epoch: two steps
    assert final(events)["status"] == "cancelled"  # the second step's first poll heard "stop"


def test_steps_asked_while_stepping_add_up():
    events = run(spec(**LONG), Scripted([None, None, None, None, "pause", "step", "step", None, None, None, "stop"]))
    assert [m["epoch"] for m in of(events, "metrics")] == [1.0, 2.0, 3.0, 4.0]
    paused = [e for e in of(events, "status") if e["data"]["status"] == "paused"]
    assert [p["epoch"] for p in paused] == [2.0, 4.0]  # two steps: two epochs, then paused again


def test_resume_while_stepping_runs_on():
    events = run(spec(**LONG), Scripted([None, None, None, None, "pause", "step", "resume"]))
    assert statuses(events) == ["running", "paused", "running", "succeeded"]
    assert len(of(events, "metrics")) == 50  # every epoch trained, with no pause after the step


def test_stop_ends_the_run_cancelled_with_its_summary():
    events = run(spec(**LONG), Scripted([None, None, None, None, None, "stop"]))
    end = final(events)
    assert end["status"] == "cancelled" and end["message"] == "stopped by the user"
    assert end["summary"]["steps"] == 5 and of(events, "boundary")


def test_a_diverging_run_fails_and_says_so():
    events = run(spec(data={"dataset": "plane", "n_samples": 100},
                      model={"layers": [{"units": 8, "activation": "relu"}]},
                      train={"optimizer": {"name": "sgd", "lr": 10.0}, "epochs": 50}))
    end = final(events)
    assert end["status"] == "failed"
    assert end["message"].startswith("diverged:") and "lower learning rate" in end["message"]
    assert statuses(events) == ["running", "failed"]


def test_every_run_ends_with_exactly_one_terminal_status():
    for control in (Scripted(), Scripted([None, "stop"])):
        events = run(spec(**LONG), control)
        assert [e["data"]["status"] in ("succeeded", "failed", "cancelled") for e in of(events, "status")][-1]
        assert sum(e["data"]["status"] in ("succeeded", "failed", "cancelled") for e in of(events, "status")) == 1
