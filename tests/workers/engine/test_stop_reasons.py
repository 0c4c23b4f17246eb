"""A stop from the server carries its reason into the run's final status (control.stop_message, heard by
loop.Run); a user's stop and a run that ends on its own keep their own words."""
from __future__ import annotations

from workers.engine.control import Scripted, stop_message, stop_reason

from tests.workers.engine.helpers import final, run, spec

LONG = spec(data={"dataset": "xor", "n_samples": 40}, train={"epochs": 50, "batch_size": 10})


def test_a_stop_with_a_reason_ends_with_that_reason():
    events = run(LONG, Scripted([None, None, stop_message("stopped by the server after 2 h")]))
    assert final(events)["status"] == "cancelled"
    assert final(events)["message"] == "stopped by the server after 2 h"
    assert "summary" in final(events)


def test_a_paused_run_stopped_by_the_server_ends_with_the_reason():
    events = run(LONG, Scripted([None, "pause", stop_message("paused for longer than 10 min")]))
    assert final(events)["message"] == "paused for longer than 10 min"


def test_a_plain_stop_and_a_finished_run_keep_their_words():
    assert final(run(LONG, Scripted([None, "stop"])))["message"] == "stopped by the user"
    assert final(run(LONG, Scripted([])))["status"] == "succeeded"


def test_only_a_stop_message_has_a_reason():
    assert stop_reason(stop_message("late")) == "late"
    assert stop_reason("stop") is None and stop_reason({"action": "set", "values": {}}) is None
