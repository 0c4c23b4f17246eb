"""A stop from the server carries its reason into the run's final status (control.StopReasons), around the real
trainer; a user's stop and a run that ends on its own keep their own words."""
from __future__ import annotations

from workers.engine import train
from workers.engine.control import Scripted, StopReasons, stop_message, stop_reason

from tests.workers.engine.helpers import final, spec

LONG = spec(data={"dataset": "xor", "n_samples": 40}, train={"epochs": 50, "batch_size": 10})


def trained(messages, run_id="r") -> list[dict]:
    reasons = StopReasons()
    events: list[dict] = []
    train(LONG, lambda event: events.append(reasons.told(run_id, event)),
          reasons.control(run_id, Scripted(messages)))
    assert reasons.reasons == {}  # nothing left behind once the run has ended
    return events


def test_a_stop_with_a_reason_ends_with_that_reason():
    events = trained([None, None, stop_message("stopped by the server after 2 h")])
    assert final(events)["status"] == "cancelled"
    assert final(events)["message"] == "stopped by the server after 2 h"
    assert "summary" in final(events)


def test_a_plain_stop_and_a_finished_run_keep_their_words():
    assert final(trained([None, "stop"]))["message"] == "stopped by the user"
    assert final(trained([]))["status"] == "succeeded"


def test_reasons_are_kept_per_run_and_only_for_a_cancelled_end():
    reasons = StopReasons()
    assert reasons.carry("a", stop_message("late")) == "stop"
    assert reasons.carry("a", "pause") == "pause" and reasons.carry("b", None) is None
    succeeded = {"type": "status", "step": 1, "epoch": 1.0, "time": 1.0, "data": {"status": "succeeded"}}
    assert reasons.told("b", {**succeeded, "data": {"status": "cancelled", "message": "stopped by the user"}}) \
        ["data"]["message"] == "stopped by the user"
    assert reasons.told("a", succeeded) == succeeded  # it ended on its own before it heard the stop
    assert stop_reason("stop") is None and stop_reason({"action": "set", "values": {}}) is None
