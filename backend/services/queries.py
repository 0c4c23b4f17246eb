"""Every read of run state: run lists, a run, its metric history, its stored events.

The recorder is the one writer; this is the one reader. Each read is scoped to
what the caller (the API's user dependency) may reach (access.py), except those the
server itself makes about all runs (recovery, the reapers).
"""
from __future__ import annotations

import asyncio
import json
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import func, or_, select, text
from sqlalchemy.orm import Session, sessionmaker

from workers.engine.status import ACTIVE, Status

from ..db.models import Event as EventRow
from ..db.models import Membership, Run, User
from .access import Caller, reachable_runs
from .errors import NotFound

StoredRow = tuple[int, str, str]  # an event as stored: its seq, its type (a per-probe visual's slot), its payload
Latest = tuple[int, str | None, str | None]  # a run's last stored seq, latest metrics event, latest picture


class Unfinished(NamedTuple):
    """A queued, running or paused run as the database has it: what recovery and the reaper go by."""
    id: str
    status: str
    spec_json: str
    last_seq: int  # its last stored event
    attempt: int


class Queries:
    def __init__(self, sessions: sessionmaker):
        self.sessions = sessions

    async def _read(self, fn, *args):
        """Run `fn(session, *args)` in a session of its own, off the event loop."""
        def in_session():
            with self.sessions() as session:
                return fn(session, *args)
        return await asyncio.to_thread(in_session)

    async def ping(self) -> None:
        """One round trip to the database (/health)."""
        await self._read(lambda session: session.execute(text("select 1")))

    async def run(self, caller: Caller, run_id: str) -> Run:
        """The run, if `caller` may reach it; NotFound alike for one out of reach and one that does not exist."""
        run = await self._read(reachable_run, caller, run_id)
        if run is None:
            raise NotFound(f"no run {run_id}")
        return run

    async def runs(self, caller: Caller, status: str | None, limit: int, offset: int) -> list[Run]:
        """The caller's own runs (a class's are at GET /classes/{id}/runs)."""
        return await self._read(owned_runs, caller, status, limit, offset)

    async def class_runs(self, caller: Caller, class_id: str) -> list[Run]:
        """Every run of the class's students, of those `caller` may reach; the class checked by the caller."""
        return await self._read(runs_of_class, caller, class_id)

    async def live_class_runs(self, caller: Caller, class_id: str, ended_since: datetime) -> list[tuple[str, ...]]:
        """(run, status, owner id, owner name) of the class's students' queued, running and paused runs, and
        of those that ended since `ended_since`."""
        return await self._read(live_runs_of_class, caller, class_id, ended_since)

    async def latest_stored(self, run_ids: list[str], kinds: list[str]) -> dict[str, Latest]:
        """Per run: its last stored seq, its latest stored metrics event and its latest event of `kinds` (a
        per-probe kind's slots too), for a caller that has checked the runs are within reach (the wall)."""
        return await self._read(lambda session: {run: latest_of_run(session, run, kinds) for run in run_ids})

    async def metrics(self, caller: Caller, run_id: str) -> dict:
        await self.run(caller, run_id)
        return await self._read(metric_history, run_id)

    async def events(self, caller: Caller, run_id: str, after: int) -> list[str]:
        await self.run(caller, run_id)
        return await self.stored_events(run_id, after)

    async def stored_events(self, run_id: str, after: int) -> list[str]:
        """For a caller that has checked the run is within reach already (the stream reads on by seq)."""
        return await self._read(stored_events, run_id, after)

    async def stored_rows(self, run_id: str, after: int, metrics_kept: int | None = None) -> list[StoredRow]:
        """The stored events after `after` as (seq, type, payload), for a caller that has checked the run is within
        reach; with `metrics_kept`, the metrics thinned as a snapshot sends them (thinned_rows)."""
        if metrics_kept is None:
            return await self._read(stored_rows, run_id, after)
        return await self._read(thinned_rows, run_id, after, metrics_kept)

    async def final_weights(self, run_id: str) -> dict | None:
        """The `state` of the run's stored final_weights event, or None (for a caller that has checked the run)."""
        payload = await self._read(lambda session: session.scalar(select(EventRow.payload).where(
            EventRow.run_id == run_id, EventRow.type == "final_weights").order_by(EventRow.seq.desc()).limit(1)))
        return json.loads(payload)["data"]["state"] if payload is not None else None

    async def started(self) -> list[tuple[str, str, datetime | None, datetime | None]]:
        """(id, status, started_at, status_since) of every running or paused run, of every owner."""
        return await self._read(started_runs)

    async def status_counts(self) -> dict[str, int]:
        """How many runs of every owner are in each status (GET /metrics): one indexed GROUP BY."""
        return await self._read(lambda session: dict(session.execute(
            select(Run.status, func.count()).group_by(Run.status)).all()))

    async def unfinished(self) -> list[Unfinished]:
        """Every queued, running or paused run, of every owner."""
        return await self._read(unfinished_runs)


def reachable_run(session: Session, caller: Caller, run_id: str) -> Run | None:
    return session.scalar(select(Run).where(Run.id == run_id, reachable_runs(caller)))


def owned_runs(session: Session, caller: Caller, status: str | None, limit: int, offset: int) -> list[Run]:
    query = select(Run).where(Run.owner_id == caller.id, reachable_runs(caller))
    if status:
        query = query.where(Run.status == status)
    return list(session.scalars(query.order_by(Run.created_at.desc()).limit(limit).offset(offset)))


def runs_of_class(session: Session, caller: Caller, class_id: str) -> list[Run]:
    students = select(Membership.user_id).where(Membership.class_id == class_id)
    query = select(Run).where(Run.owner_id.in_(students), reachable_runs(caller)).order_by(Run.created_at.desc())
    return list(session.scalars(query))


def live_runs_of_class(session: Session, caller: Caller, class_id: str, ended_since: datetime) -> list[tuple[str, ...]]:
    students = select(Membership.user_id).where(Membership.class_id == class_id)
    live = or_(Run.status.in_(ACTIVE), Run.finished_at >= ended_since)
    query = (select(Run.id, Run.status, User.id, User.name).join(User, User.id == Run.owner_id)
             .where(Run.owner_id.in_(students), live, reachable_runs(caller)).order_by(Run.created_at))
    return [tuple(row) for row in session.execute(query)]


def latest_of_run(session: Session, run_id: str, kinds: list[str]) -> Latest:
    def latest(*where) -> str | None:
        return session.scalar(select(EventRow.payload).where(EventRow.run_id == run_id, *where)
                              .order_by(EventRow.seq.desc()).limit(1))
    slots = or_(EventRow.type.in_(kinds), *(EventRow.type.like(f"{kind}:%") for kind in kinds))
    return last_stored_seq(session, run_id), latest(EventRow.type == "metrics"), latest(slots)


def active_count(session: Session, owner: str) -> int:
    """The owner's queued, running and paused runs: what the per-user quota counts."""
    return session.scalar(select(func.count()).select_from(Run).where(Run.owner_id == owner, Run.status.in_(ACTIVE)))


def started_runs(session: Session) -> list[tuple[str, str, datetime | None, datetime | None]]:
    query = select(Run.id, Run.status, Run.started_at, Run.status_since).where(
        Run.status.in_((Status.RUNNING, Status.PAUSED)))
    return [tuple(row) for row in session.execute(query)]


def unfinished_runs(session: Session) -> list[Unfinished]:
    runs = session.scalars(select(Run).where(Run.status.in_(ACTIVE)).order_by(Run.created_at))
    return [Unfinished(r.id, r.status, json.dumps(r.spec), last_stored_seq(session, r.id), r.attempt) for r in runs]


def stored_events(session: Session, run_id: str, after: int) -> list[str]:
    """The stored events after `after`, in order, as sent on the websocket."""
    rows = session.scalars(select(EventRow.payload).where(EventRow.run_id == run_id, EventRow.seq > after)
                           .order_by(EventRow.seq))
    return list(rows)


def stored_rows(session: Session, run_id: str, after: int) -> list[StoredRow]:
    """The stored events after `after`, in order, with their seq and type read from their columns: a reader that
    only relays them (the stream) parses none of them."""
    query = (select(EventRow.seq, EventRow.type, EventRow.payload)
             .where(EventRow.run_id == run_id, EventRow.seq > after).order_by(EventRow.seq))
    return [tuple(row) for row in session.execute(query)]


def thinned_rows(session: Session, run_id: str, after: int, metrics_kept: int) -> list[StoredRow]:
    """stored_rows, but of the metrics events at most `metrics_kept` + 1: evenly spaced, the first and the latest
    always among them, so the whole curve is there at a bounded size however long the run (a metrics event an
    epoch: a long run stores tens of thousands). One statement: one consistent moment of the run, whose last
    stored event is always kept, so a reader going on live from its seq misses nothing."""
    ranked = (select(EventRow.seq, EventRow.type,
                     func.row_number().over(partition_by=EventRow.type, order_by=EventRow.seq).label("rank"),
                     func.count().over(partition_by=EventRow.type).label("total"))
              .where(EventRow.run_id == run_id, EventRow.seq > after).subquery())
    stride = (ranked.c.total + metrics_kept - 1) // metrics_kept  # ceil: at most metrics_kept ranks a stride apart
    kept = or_(ranked.c.type != "metrics", ranked.c.rank == ranked.c.total, (ranked.c.rank - 1) % stride == 0)
    query = (select(EventRow.seq, EventRow.type, EventRow.payload)
             .join(ranked, (EventRow.run_id == run_id) & (EventRow.seq == ranked.c.seq))
             .where(kept).order_by(EventRow.seq))
    return [tuple(row) for row in session.execute(query)]


def last_stored_seq(session: Session, run_id: str) -> int:
    return session.scalar(select(func.coalesce(func.max(EventRow.seq), 0)).where(EventRow.run_id == run_id))


def metric_history(session: Session, run_id: str) -> dict:
    """Arrays keyed by metric name; per-layer norms as {layer: [...]}; null where an epoch lacks one."""
    rows = session.scalars(select(EventRow.payload).where(EventRow.run_id == run_id, EventRow.type == "metrics")
                           .order_by(EventRow.seq))
    events = [json.loads(row) for row in rows]
    scalars = sorted({k for e in events for k, v in e["data"].items() if not isinstance(v, dict)})
    layered = sorted({k for e in events for k, v in e["data"].items() if isinstance(v, dict)})
    history: dict = {"epoch": [e["epoch"] for e in events], "step": [e["step"] for e in events]}
    for key in scalars:
        history[key] = [e["data"].get(key) for e in events]
    for key in layered:
        layers = sorted({layer for e in events for layer in e["data"].get(key, {})})
        history[key] = {layer: [e["data"].get(key, {}).get(layer) for e in events] for layer in layers}
    return history
