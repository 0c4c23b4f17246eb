"""The trainer advanced a slice at a time trains exactly as train() does; live sets apply from the next step."""
from __future__ import annotations

import pytest

from workers.engine.control import Never, Scripted, live_changes, set_message
from workers.engine.loop import DONE, PAUSED, STEPPED, Run

from tests.workers.engine.helpers import final, of, run, spec

SMALL = dict(data={"dataset": "xor", "n_samples": 40}, train={"epochs": 6, "batch_size": 10},
             model={"layers": [{"units": 4, "dropout": 0.2}]})


def timeless(events):
    return [{k: v for k, v in e.items() if k != "time"} | {"data": {k: v for k, v in e["data"].items()
                                                                      if k != "summary"}} for e in events]


def test_advancing_in_slices_gives_the_events_train_gives():
    whole = run(spec(**SMALL))
    events: list[dict] = []
    sliced = Run(spec(**SMALL), events.append, Never(), "cpu")
    answers = []
    while (state := sliced.advance(steps=3)) != DONE:
        answers.append(state)
        assert state == STEPPED
    assert len(answers) == 6 * 2 // 3  # two steps an epoch (20 training points), three a slice
    assert timeless(events) == timeless(whole)


def test_runs_interleaved_draw_their_own_random_streams():
    """Dropout draws from the run's own stream: two runs sliced in turns lose what each loses alone."""
    alone = [m["data"]["train_loss"] for m in of(run(spec(**SMALL)), "metrics")]
    first, second = [], []
    runs = [Run(spec(**SMALL), first.append, Never(), "cpu"), Run(spec(**SMALL), second.append, Never(), "cpu")]
    while any([r.advance(steps=1) != DONE for r in runs]):
        pass
    assert [m["data"]["train_loss"] for m in of(first, "metrics")] == alone
    assert [m["data"]["train_loss"] for m in of(second, "metrics")] == alone


def test_a_paused_run_answers_paused_at_once_and_never_trains():
    paused = Run(spec(**SMALL), lambda e: None, Never(), "cpu")
    paused.deliver("pause")
    assert paused.advance(steps=5) == PAUSED
    assert paused.advance(steps=5) == PAUSED and paused.step == 0
    paused.deliver("resume")
    assert paused.advance(steps=5) == STEPPED and paused.step == 5


def test_set_changes_the_learning_rate_from_the_next_step():
    events = run(spec(**SMALL), Scripted([None, set_message({"train.optimizer.lr": 0.5, "train.l2": 0.01})]))
    # Heard at the second step's poll: the first epoch's last step already trained at 0.5.
    assert [m["data"]["lr"] for m in of(events, "metrics")] == [0.5] * 6
    assert all("penalty" in m["data"] for m in of(events, "metrics"))  # the l2 penalty is on
    assert final(events)["status"] == "succeeded"


def test_set_batch_size_changes_the_steps_an_epoch():
    events: list[dict] = []
    live = Run(spec(**SMALL), events.append, Never(), "cpu")
    assert live.advance(steps=2) == STEPPED  # epoch 1: two batches of ten (20 training points)
    live.deliver(set_message({"train.batch_size": 20}))
    while live.advance() != DONE:
        pass
    assert final(events)["summary"]["steps"] == 2 + 5 * 1  # then one batch of twenty an epoch


def test_set_while_paused_applies_and_stays_paused():
    events = run(spec(**SMALL), Scripted([None, "pause", set_message({"train.optimizer.lr": 0.2}), "resume"]))
    assert [e["data"]["status"] for e in of(events, "status")] == ["running", "paused", "running", "succeeded"]
    assert of(events, "metrics")[0]["data"]["lr"] == 0.2


def test_only_live_paths_change():
    with pytest.raises(ValueError, match="train.epochs"):
        live_changes(spec(**SMALL), {"train.epochs": 3})
