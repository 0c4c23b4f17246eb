"""Time limits over a real server (embedded mode): a long run is stopped at PLAYGROUND_MAX_RUN_SECONDS and a paused
one after PLAYGROUND_MAX_PAUSED_SECONDS, each ending `cancelled` with a message naming its limit; the defaults
leave the one local user of `make run` unlimited."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from backend.services.time_limits import duration, overdue
from backend.settings import CLASS_DEFAULTS, Settings
from tests.support import Api, Server, status_is, wait_until

LONG = {"data": {"dataset": "circle", "n_samples": 100}, "model": {"layers": [{"units": 2}]},
        "train": {"epochs": 100000}, "stream": {"max_fps": 2}}
RUN_SECONDS, PAUSED_SECONDS = 4, 1


@pytest.fixture(scope="module")
def limited(tmp_path_factory):
    server = Server(tmp_path_factory.mktemp("limited"), PLAYGROUND_MAX_RUN_SECONDS=str(RUN_SECONDS),
                    PLAYGROUND_MAX_PAUSED_SECONDS=str(PAUSED_SECONDS), PLAYGROUND_REAP_SECONDS="0.2").start()
    yield Api(server)
    server.stop()


def ended(api: Api, run_id: str) -> dict:
    """The run's terminal status event, once the run's row says the same."""
    end = api.all_events(run_id, timeout=60)[-1]
    wait_until(lambda: api.run(run_id)["status"] == end["data"]["status"], what="the end to be stored")
    return end


def test_a_long_run_is_stopped_at_the_run_time_limit(limited):
    run = limited.submit(LONG)
    end = ended(limited, run["id"])
    assert end["data"]["status"] == "cancelled"
    assert "PLAYGROUND_MAX_RUN_SECONDS" in end["data"]["message"] and "after 4 s" in end["data"]["message"]
    assert end["time"] >= RUN_SECONDS  # counted from the stored start, which comes after the trainer's
    assert end["data"]["summary"]["epochs"] > 0  # what it learned is kept
    assert limited.run(run["id"])["summary"] == end["data"]["summary"]


def test_a_paused_run_is_stopped_after_the_paused_limit(limited):
    run = limited.submit(LONG)
    with limited.stream(run["id"]) as ws:
        limited.events_until(ws, status_is("running"))
        paused = limited.pause(run["id"], ws)
        end = limited.events_until(ws, status_is("cancelled", "succeeded", "failed"), timeout=60)[-1]
    assert end["data"]["status"] == "cancelled"
    assert "PLAYGROUND_MAX_PAUSED_SECONDS" in end["data"]["message"] and "after 1 s paused" in end["data"]["message"]
    assert end["time"] - paused["time"] >= PAUSED_SECONDS
    assert end["time"] < RUN_SECONDS  # the paused limit stopped it, not the run-time one
    wait_until(lambda: limited.run(run["id"])["status"] == "cancelled", what="the end to be stored")


def test_a_user_stop_still_says_so(limited):
    run = limited.submit(LONG)
    with limited.stream(run["id"]) as ws:
        limited.events_until(ws, status_is("running"))
        assert limited.control(run["id"], "stop").status_code == 202
        end = limited.events_until(ws, status_is("cancelled", "succeeded", "failed"))[-1]
    assert end["data"]["message"] == "stopped by the user"


def test_unset_limits_are_the_class_defaults_with_accounts_and_none_without():
    names = ("max_run_seconds", "max_paused_seconds", "max_submissions_per_minute", "max_stored_runs_per_user")
    assert set(CLASS_DEFAULTS) == set(names)
    alone, classroom = Settings(auth="none"), Settings(auth="accounts")
    for name in names:
        assert alone.effective_limit(name) is None
        assert classroom.effective_limit(name) == CLASS_DEFAULTS[name]
        assert Settings(auth="accounts", **{name: 0}).effective_limit(name) is None  # 0 switches it off
        assert Settings(auth="none", **{name: 7}).effective_limit(name) == 7
    assert CLASS_DEFAULTS["max_run_seconds"] >= 3600  # a lesson's runs are never cut short


def test_overdue_picks_the_limit_each_run_passed():
    now = datetime(2026, 12, 3, 12, tzinfo=timezone.utc)
    ago = lambda seconds: (now - timedelta(seconds=seconds)).replace(tzinfo=None)  # noqa: E731 - as SQLite gives
    started = [("long", "running", ago(100), ago(100)), ("young", "running", ago(5), ago(5)),
               ("idle", "paused", ago(50), ago(20)), ("resting", "paused", ago(50), ago(5)),
               ("unstarted", "paused", None, ago(30))]
    found = dict(overdue(started, now, max_run=60, max_paused=10))
    assert set(found) == {"long", "idle", "unstarted"}
    assert "PLAYGROUND_MAX_RUN_SECONDS" in found["long"] and "1 min" in found["long"]
    assert "PLAYGROUND_MAX_PAUSED_SECONDS" in found["idle"]
    assert overdue(started, now, None, None) == []


def test_durations_read_as_a_teacher_would_say_them():
    assert [duration(s) for s in (2.5, 59, 60, 90, 1800, 5400, 7200)] == \
        ["2.5 s", "59 s", "1 min", "1 min 30 s", "30 min", "1 h 30 min", "2 h"]
