"""The recorder, the one writer of run state, against a real (SQLite) database."""
from __future__ import annotations

from backend.db.models import LOCAL_USER, Run
from backend.db.session import make_engine, make_sessionmaker, migrate
from backend.events import Event
from backend.services.recorder import Recorder, metric_history, stored_events
from workers.engine.events import event


def test_writing_a_batch_twice_stores_it_once(tmp_path):
    """A commit whose reply was lost is retried: the second write must neither fail nor duplicate."""
    url = f"sqlite:///{tmp_path / 'r.db'}"
    migrate(url)
    sessions = make_sessionmaker(make_engine(url))
    with sessions.begin() as session:
        session.add(Run(id="r", owner_id=LOCAL_USER, status="queued", spec={}))
    batch = [Event.numbered("r", 1, event("status", 0, 0.0, 0.0, {"status": "running"})),
             Event.numbered("r", 2, event("metrics", 5, 1.0, 0.1, {"train_loss": 0.5})),
             Event.numbered("r", 3, event("boundary", 5, 1.0, 0.1, {"output": None})),
             Event.numbered("r", 4, event("status", 5, 1.0, 0.1, {"status": "succeeded", "summary": {"a": 1}}))]
    recorder = Recorder(sessions, bus=None)
    recorder.write(batch)
    recorder.write(batch)
    with sessions() as session:
        assert [e.count('"seq"') for e in stored_events(session, "r", 0)] == [1, 1, 1, 1]
        assert len(stored_events(session, "r", 0)) == 4
        assert metric_history(session, "r")["train_loss"] == [0.5]
        run = session.get(Run, "r")
        assert run.status == "succeeded" and run.summary == {"a": 1}
