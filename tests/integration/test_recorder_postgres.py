"""Two API replicas' recorders write one run's events at once on PostgreSQL: the run's row follows the newest
status stored, whichever recorder stored it, however their transactions interleave."""
from __future__ import annotations

import threading

from sqlalchemy import insert, text, update

from backend.db.models import LOCAL_USER, Run
from backend.db.models import Event as EventRow
from backend.db.session import make_engine, make_sessionmaker, migrate
from backend.events import Event
from backend.services.recorder import Recorder
from tests.integration.cluster import DATABASE_URL, require_services, reset_database
from tests.support import wait_until
from workers.engine.events import event


def test_an_older_status_stored_while_another_recorder_stores_a_later_one_does_not_undo_it():
    """Replica B's recorder has stored `succeeded` (seq 5) but not yet committed when replica A's writes the
    run's `running` (seq 2): A must not read the row before B's commit and then write `running` over it."""
    require_services()
    reset_database(DATABASE_URL)
    migrate(DATABASE_URL)
    engine = make_engine(DATABASE_URL)
    sessions = make_sessionmaker(engine)
    with sessions.begin() as session:
        session.add(Run(id="r", owner_id=LOCAL_USER, status="queued", spec={}))
    later = Event.numbered("r", 5, event("status", 40, 4.0, 1.0, {"status": "succeeded", "summary": {"a": 1}}))
    with engine.connect() as b:  # replica B's write, in flight: its rows and the run's row, not committed
        b.execute(insert(EventRow), [{"run_id": "r", "seq": 5, "type": "status", "payload": later.json}])
        b.execute(update(Run).where(Run.id == "r").values(status="succeeded", summary={"a": 1}))
        older = Event.numbered("r", 2, event("status", 0, 0.0, 0.0, {"status": "running"}))
        a = threading.Thread(target=Recorder(sessions, bus=None).write, args=([older],))
        a.start()
        with engine.connect() as probe:  # A has come to the run's row, which B holds
            wait_until(lambda: probe.execute(text(
                "select count(*) from pg_stat_activity where wait_event_type = 'Lock' and datname = current_database()"
            )).scalar() == 1, what="replica A's recorder to wait for B's transaction")
        b.commit()
        a.join(30)
    assert not a.is_alive()
    with sessions() as session:
        run = session.get(Run, "r")
        assert run.status == "succeeded" and run.summary == {"a": 1}
        stored = session.execute(text("select seq from events where run_id = 'r' order by seq")).scalars()
        assert list(stored) == [2, 5]
    engine.dispose()
