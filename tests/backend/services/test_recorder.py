"""The recorder, the one writer of run state, against a real (SQLite) database."""
from __future__ import annotations

import json

import sqlalchemy
from sqlalchemy import delete

from backend.db.models import LOCAL_USER, Run
from backend.events import Event
from backend.services.queries import metric_history, stored_events
from backend.services.recorder import Recorder
from workers.engine.events import event


def test_writing_a_batch_twice_stores_it_once(sessions):
    """A commit whose reply was lost is retried: the second write must neither fail nor duplicate."""
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


def test_the_latest_feature_maps_of_each_probe_are_kept(sessions):
    """One feature_maps event shows one probe: the recorder keeps the latest per probe, and of filters the latest."""
    frames = [("feature_maps", {"probe": p}) for p in (0, 1, 0, 1, 2)] + [("filters", {"layers": []})] * 2
    batch = [Event.numbered("r", seq, event(kind, seq, 1.0, 0.1, data)) for seq, (kind, data) in enumerate(frames, 1)]
    recorder = Recorder(sessions, bus=None)
    recorder.write(batch[:3])
    recorder.write(batch[3:])
    with sessions() as session:
        kept = [json.loads(e) for e in stored_events(session, "r", 0)]
    assert [(e["type"], e["seq"]) for e in kept] == [("feature_maps", 3), ("feature_maps", 4), ("feature_maps", 5),
                                                      ("filters", 7)]


def test_events_older_than_stored_ones_never_undo_them(sessions):
    """Two API replicas' recorders share the events, and one takes over a dead one's: a batch may come after a
    later one. Its rows are stored, but its status does not reopen the run, nor its frame replace a newer one."""
    early = [Event.numbered("r", 1, event("status", 0, 0.0, 0.0, {"status": "running"})),
             Event.numbered("r", 2, event("metrics", 5, 1.0, 0.1, {"train_loss": 0.5})),
             Event.numbered("r", 3, event("boundary", 5, 1.0, 0.1, {"output": "early"}))]
    late = [Event.numbered("r", 4, event("metrics", 10, 2.0, 0.2, {"train_loss": 0.25})),
            Event.numbered("r", 5, event("boundary", 10, 2.0, 0.2, {"output": "late"})),
            Event.numbered("r", 6, event("status", 10, 2.0, 0.2, {"status": "succeeded", "summary": {"a": 1}}))]
    recorder = Recorder(sessions, bus=None)
    recorder.write(late)
    recorder.write(early)
    with sessions() as session:
        run = session.get(Run, "r")
        assert run.status == "succeeded" and run.summary == {"a": 1}
        assert metric_history(session, "r")["train_loss"] == [0.5, 0.25]
        frames = [json.loads(e) for e in stored_events(session, "r", 0) if '"boundary"' in e]
    assert [(f["seq"], f["data"]["output"]) for f in frames] == [(5, "late")]


def test_a_finished_image_run_keeps_every_probes_maps(api):
    run = api.submit({"data": {"dataset": "shapes", "n_samples": 60},
                      "model": {"layers": [{"type": "conv2d", "filters": 2}, {"type": "global_avgpool"}]},
                      "train": {"epochs": 2}, "stream": {"max_fps": 30}})
    assert api.all_events(run["id"])[-1]["data"]["status"] == "succeeded"
    stored = api.http.get(f"/runs/{run['id']}/events").json()
    kinds = [e["type"] for e in stored]
    probes = sorted(e["data"]["probe"] for e in stored if e["type"] == "feature_maps")
    assert probes == list(range(len(probes))) and len(probes) >= 5  # one of each shape in 30 test images, or nearly
    assert kinds.count("filters") == kinds.count("misclassified") == kinds.count("confusion") == 1


def test_a_run_deleted_while_its_batch_is_written_loses_its_events_and_the_others_are_stored(sessions):
    """The run's row goes after the recorder has seen it exist and before its insert (as a DELETE /runs/{id} racing
    the recorder does): the batch is written at once without it, not failed and retried."""
    with sessions.begin() as session:
        session.add(Run(id="kept", owner_id=LOCAL_USER, status="queued", spec={}))
    engine = sessions.kw["bind"]
    deleted = []

    def delete_r_once(connection, cursor, statement, *args):
        if not deleted and statement.lstrip().startswith("SELECT runs.id"):
            deleted.append(True)
            with engine.connect() as other:  # another session, committed before the recorder inserts
                other.execute(delete(Run).where(Run.id == "r"))
                other.commit()

    sqlalchemy.event.listen(engine, "after_cursor_execute", delete_r_once)
    try:
        batch = [Event.numbered(run, 1, event("metrics", 1, 1.0, 0.1, {"train_loss": 0.5})) for run in ("r", "kept")]
        Recorder(sessions, bus=None).write_dropping_deleted(batch)
    finally:
        sqlalchemy.event.remove(engine, "after_cursor_execute", delete_r_once)
    assert deleted
    with sessions() as session:
        assert session.get(Run, "r") is None
        assert metric_history(session, "kept")["train_loss"] == [0.5]


def test_a_batch_overlapping_stored_events_stores_only_the_new_ones(sessions):
    """Two replicas' recorders can share events: a batch may hold some already stored, and some after them."""
    first = [Event.numbered("r", seq, event("metrics", seq, float(seq), 0.1, {"train_loss": seq / 10}))
             for seq in (1, 2, 3)]
    later = [Event.numbered("r", seq, event("metrics", seq, float(seq), 0.1, {"train_loss": seq / 10}))
             for seq in (2, 3, 4, 5)]
    recorder = Recorder(sessions, bus=None)
    recorder.write(first)
    recorder.write(later)
    with sessions() as session:
        assert metric_history(session, "r")["train_loss"] == [0.1, 0.2, 0.3, 0.4, 0.5]


def test_no_statement_of_a_batch_scans_the_events_table(sessions):
    """A class stores thousands of metrics rows a second: a batch's look-ups and deletes must go through an index,
    or each costs more the longer the runs have trained (bench/classroom.py)."""
    with sessions.begin() as session:
        session.add(Run(id="s", owner_id=LOCAL_USER, status="queued", spec={}))
    recorder = Recorder(sessions, bus=None)
    recorder.write([Event.numbered(run, 1, event("boundary", 1, 1.0, 0.1, {"output": None})) for run in ("r", "s")])
    statements = []
    engine = sessions.kw["bind"]

    def seen(conn, cursor, statement, params, context, many):
        statements.append((statement, params[0] if many else params))

    sqlalchemy.event.listen(engine, "before_cursor_execute", seen)
    recorder.write([Event.numbered(run, seq, event(kind, seq, 1.0, 0.1, {"output": None}))
                    for run in ("r", "s") for seq, kind in ((2, "metrics"), (3, "boundary"))])
    sqlalchemy.event.remove(engine, "before_cursor_execute", seen)
    touching = [(s, p) for s, p in statements if "events" in s.lower().split("where")[0]]
    assert any(s.lstrip().upper().startswith("DELETE") for s, _ in touching)
    with engine.connect() as connection:
        for statement, params in touching:
            if statement.lstrip().upper().startswith("INSERT"):
                continue
            plan = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, params).fetchall()
            assert not any(row[-1].startswith("SCAN events") for row in plan), (statement, plan)


def test_a_batchs_work_does_not_grow_with_the_rows_its_runs_have_stored(sessions):
    """A plan can search an index and still read every row of a run (a GROUP BY max): counted in SQLite's own
    steps, a batch after a run's 2,000th row costs about what one after its 20th does (log n, not n)."""
    engine = sessions.kw["bind"]
    recorder = Recorder(sessions, bus=None)
    steps = [0]

    def counting(conn, cursor, statement, params, context, many):
        conn.connection.driver_connection.set_progress_handler(lambda: steps.__setitem__(0, steps[0] + 1) or 0, 10)

    def batch(first: int, n: int) -> list[Event]:
        return [Event.numbered("r", seq, event("metrics", seq, 1.0, 0.1, {"train_loss": 0.5}))
                for seq in range(first, first + n)]

    def cost(first: int) -> int:
        steps[0] = 0
        sqlalchemy.event.listen(engine, "before_cursor_execute", counting)
        recorder.write(batch(first, 2))
        sqlalchemy.event.remove(engine, "before_cursor_execute", counting)
        return steps[0]

    recorder.write(batch(1, 20))
    early = cost(21)
    recorder.write(batch(23, 2000))
    assert cost(2023) < 2 * early
