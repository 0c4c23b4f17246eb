"""The recorder: the one writer of run state, fed by the event stream in every mode.

It stores every status, metrics and confusion event, and only the latest event
of each visual kind (a frame at 20 fps would otherwise grow without bound; for
feature_maps, the latest of each probe image), and
it keeps each run's row (status, times, summary, error, device) in step with
its status events.
"""
from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from datetime import datetime, timezone

from sqlalchemy import bindparam, delete, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from workers.engine.probes import PROBES, Storage, kept_whole, slot
from workers.engine.status import TERMINAL, Status, can_move

from ..db.models import Event as EventRow
from ..db.models import Run
from ..events import Event

log = logging.getLogger(__name__)
RETRY_SECONDS = 1.0
STORED_POLL_SECONDS = 0.25  # how often a wait for a stored event asks the database
DELETED_RETRIES = 3  # a batch rewritten at once when runs it holds were deleted under it, before waiting
# The table, not the ORM class: the ORM's delete evaluates its condition in Python against the session's objects.
EVENTS = EventRow.__table__
# A slot's frames, deleted for all a batch supersedes as one statement run for each (run, type), each found in the
# (run_id, type, seq) index: a tuple IN made SQLite scan the whole events table every batch.
SUPERSEDED = delete(EVENTS).where(EVENTS.c.run_id == bindparam("run"), EVENTS.c.type == bindparam("kind"))


class Recorder:
    def __init__(self, sessions: sessionmaker, bus, telemetry=None):
        self.sessions, self.bus, self.telemetry = sessions, bus, telemetry
        self.written: dict[str, int] = defaultdict(int)  # run -> highest seq stored
        self.progress = asyncio.Condition()

    async def run(self) -> None:
        """Write batches as they come; on a database error, keep the batch and try again."""
        while True:
            batch = await self._retrying("read events", self.bus.next_for_recorder)
            if self.telemetry:  # services/telemetry.py: the epochs trained, the runs ended
                self.telemetry.recorded_batch(batch)
            await self._retrying("store events", asyncio.to_thread, self.write_dropping_deleted, batch)
            await self._retrying("acknowledge events", self.bus.ack, batch)
            async with self.progress:
                for event in batch:
                    self.written[event.run_id] = max(self.written[event.run_id], event.seq)
                self.progress.notify_all()

    @staticmethod
    async def _retrying(what: str, step, *args):
        """Redis or the database may be away for a while: wait for them, lose nothing."""
        while True:
            try:
                return await step(*args)
            except Exception:  # noqa: BLE001
                log.warning("recorder could not %s; retrying", what, exc_info=True)
                await asyncio.sleep(RETRY_SECONDS)

    async def wait_written(self, run_id: str, seq: int, timeout: float = 10.0) -> None:
        """Return once events up to `seq` are stored, so a closed stream means a stored result; by this recorder,
        or by another API replica's (which shares the events with this one), as the database says."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            try:
                async with self.progress:
                    await asyncio.wait_for(self.progress.wait_for(lambda: self.written[run_id] >= seq),
                                           max(min(STORED_POLL_SECONDS, deadline - loop.time()), 0))
                return
            except TimeoutError:
                if await self._is_stored(run_id, seq):
                    return
                if loop.time() >= deadline:
                    raise

    async def _is_stored(self, run_id: str, seq: int) -> bool:
        def stored() -> bool:
            with self.sessions() as session:
                found = select(EventRow.id).where(EventRow.run_id == run_id, EventRow.seq == seq)
                return session.scalar(found) is not None
        try:
            return await asyncio.to_thread(stored)
        except Exception:  # noqa: BLE001 - the database away: not known to be stored
            return False

    def write_dropping_deleted(self, batch: list[Event]) -> None:
        """write(batch), where the events of a run deleted while they were on their way are dropped at once. Its row
        can go between write's look at which runs exist and its insert (a foreign-key failure); written again, the
        batch skips it, with no wait: retrying the same failure held every run's events back for seconds."""
        for _ in range(DELETED_RETRIES):
            try:
                return self.write(batch)
            except IntegrityError:
                log.info("a run of the batch was deleted while it was written; writing the batch without it")
        self.write(batch)

    def write(self, batch: list[Event]) -> None:
        """Store a batch; writing it again is harmless (a retry after a commit whose reply was lost). The rows go
        in with one insert (and the frames they supersede out with one delete) between status events, not an
        ORM object each: a class of 60 runs sends thousands of events a second (bench/classroom.py)."""
        with self.sessions.begin() as session:
            runs = {e.run_id for e in batch}
            present = set(session.scalars(select(Run.id).where(Run.id.in_(runs))))
            stored = already_stored(session, batch)
            slots = [None if kept_whole(e.type) else kept_as(e) for e in batch]  # a visual's, once each
            latest_visual = {(e.run_id, kept): e for e, kept in zip(batch, slots) if kept is not None}
            # Two API replicas share the events between their recorders, and one may take over a dead one's:
            # a batch can hold events older than some already stored. Those never undo what came after them.
            newest = newest_stored(session, runs, {"status", *(kind for _, kind in latest_visual)})
            rows, superseded = [], []
            for event, kept in zip(batch, slots):
                if event.run_id not in present or event.json is None or (event.run_id, event.seq) in stored:
                    continue  # deleted while still sending, a visual frame already superseded, or already stored
                if kept_whole(event.type):
                    rows.append({"run_id": event.run_id, "seq": event.seq, "type": event.type, "payload": event.json})
                    later_status = newest.get((event.run_id, "status"), 0) > event.seq
                    if event.type == "status" and not later_status:  # rows before it go first: it may forget them
                        store(session, rows, superseded)
                        run = newest_status_row(session, event)
                        if run is None:
                            continue  # another replica's recorder stored a later status meanwhile
                        if event.data.get("attempt", run.attempt) > run.attempt:
                            forget_attempt(session, event)
                        apply_status(run, event)
                elif (latest_visual[(event.run_id, kept)] is event
                      and newest.get((event.run_id, kept), 0) < event.seq):
                    superseded.append((event.run_id, kept))
                    rows.append({"run_id": event.run_id, "seq": event.seq, "type": kept, "payload": event.json})
            store(session, rows, superseded)


def store(session: Session, rows: list[dict], superseded: list[tuple[str, str]]) -> None:
    """Delete the frames of the (run, slot)s `superseded`, then insert `rows`; both lists are emptied."""
    if superseded:
        session.execute(SUPERSEDED, [{"run": run_id, "kind": kind} for run_id, kind in superseded])
    if rows:
        session.execute(insert(EventRow), rows)
    rows.clear()
    superseded.clear()


def already_stored(session: Session, batch: list[Event]) -> set[tuple[str, int]]:
    """The (run, seq)s of the batch stored already (a batch written again, or events another API replica's recorder
    wrote). A run's events after its highest stored seq cannot be stored: only the runs with events at or below
    theirs (none, but in a retry) are asked seq by seq, not every run and seq of the batch crossed (a class of 60
    made that 60 × 600 index look-ups a batch)."""
    # A max per run as a correlated subquery: found at the end of the (run_id, seq) index, where a GROUP BY of
    # the runs' rows reads every row of each (a long run's recorder fell behind by more every batch).
    newest = select(func.max(EVENTS.c.seq)).where(EVENTS.c.run_id == Run.id).scalar_subquery()
    highest = {run_id: seq for run_id, seq in session.execute(
        select(Run.id, newest).where(Run.id.in_({e.run_id for e in batch})))}
    doubtful = {e.run_id for e in batch if e.seq <= (highest.get(e.run_id) or 0)}
    if not doubtful:
        return set()
    found = session.execute(select(EVENTS.c.run_id, EVENTS.c.seq).where(
        EVENTS.c.run_id.in_(doubtful), EVENTS.c.seq.in_({e.seq for e in batch if e.run_id in doubtful})))
    return {tuple(row) for row in found}


def newest_stored(session: Session, runs: set[str], kinds: set[str]) -> dict[tuple[str, str], int]:
    """(run, type) -> the highest stored seq, for these runs and types."""
    query = (select(EventRow.run_id, EventRow.type, func.max(EventRow.seq))
             .where(EventRow.run_id.in_(runs), EventRow.type.in_(kinds)).group_by(EventRow.run_id, EventRow.type))
    return {(run, kind): seq for run, kind, seq in session.execute(query)}


def kept_as(event: Event) -> str:
    """The slot a visual event replaces (workers.engine.probes.slot): its kind, or its kind and probe.

    Events from Redis carry their slot as their type already; those from memory carry the kind. Only a per-probe
    kind's event is parsed for its probe: a stream thinning every viewer's frames asks this of each of them."""
    probe = PROBES.get(event.type)
    if event.json is None or probe is None or probe.storage is not Storage.LATEST_PER_PROBE:
        return event.type
    return slot(event.type, event.data)


def newest_status_row(session: Session, event: Event) -> Run | None:
    """The run's row, locked until the commit, where `event` is the newest status stored; else None. Two
    replicas' recorders write at once: one that read `newest_stored` before the other committed a later status
    would otherwise write its older one over it (FOR NO KEY UPDATE: the events' foreign keys take KEY SHARE,
    which it leaves alone; SQLite has one writer at a time and no such clause)."""
    run = session.get(Run, event.run_id, with_for_update={"key_share": True}, populate_existing=True)
    newest = session.scalar(select(func.max(EVENTS.c.seq)).where(EVENTS.c.run_id == event.run_id,
                                                                 EVENTS.c.type == "status"))
    return run if newest == event.seq else None


def forget_attempt(session: Session, event: Event) -> None:
    """A new attempt starts from scratch: the lost one's metrics and frames are no longer the run's."""
    session.execute(delete(EventRow).where(EventRow.run_id == event.run_id, EventRow.type != "status",
                                           EventRow.seq < event.seq))


def apply_status(run: Run, event: Event) -> None:
    data = event.data
    status = Status(data["status"])
    if not can_move(run.status, status):  # stored all the same: the event stream is the record of what happened
        log.warning("run %s went from %s to %s, which no run should", run.id, run.status, status)
    now = datetime.now(timezone.utc)
    run.status, run.status_since = status.value, now
    if status == Status.RUNNING and run.started_at is None:
        run.started_at = now
    if "device" in data:
        run.device = data["device"]
    if "attempt" in data:
        run.attempt = data["attempt"]
    if status in TERMINAL:
        run.finished_at = now
        run.summary = data.get("summary")
        run.error = data.get("message") if status == Status.FAILED else None
