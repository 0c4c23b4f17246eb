"""The recorder: the one writer of run state, fed by the event stream in every mode.

It stores every status, metrics and confusion event, and only the latest event
of each visual kind (a frame at 20 fps would otherwise grow without bound; for
feature_maps, the latest of each probe image), and
it keeps each run's row (status, times, summary, error, device) in step with
its status events.
"""
from __future__ import annotations

import asyncio
import json
import logging
from collections import defaultdict
from datetime import datetime, timezone

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from workers.engine import TERMINAL
from workers.engine.probes import kept_whole, slot

from ..db.models import Event as EventRow
from ..db.models import Run
from ..events import Event

log = logging.getLogger(__name__)
RETRY_SECONDS = 1.0


class Recorder:
    def __init__(self, sessions: sessionmaker, bus):
        self.sessions, self.bus = sessions, bus
        self.written: dict[str, int] = defaultdict(int)  # run -> highest seq stored
        self.progress = asyncio.Condition()

    async def run(self) -> None:
        """Write batches as they come; on a database error, keep the batch and try again."""
        while True:
            batch = await self._retrying("read events", self.bus.next_for_recorder)
            await self._retrying("store events", asyncio.to_thread, self.write, batch)
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
        """Return once events up to `seq` are stored, so a closed stream means a stored result."""
        async with self.progress:
            await asyncio.wait_for(self.progress.wait_for(lambda: self.written[run_id] >= seq), timeout)

    def write(self, batch: list[Event]) -> None:
        """Store a batch; writing it again is harmless (a retry after a commit whose reply was lost)."""
        with self.sessions.begin() as session:
            runs = {e.run_id for e in batch}
            present = set(session.scalars(select(Run.id).where(Run.id.in_(runs))))
            stored = set(session.execute(select(EventRow.run_id, EventRow.seq).where(
                EventRow.run_id.in_(runs), EventRow.seq.in_({e.seq for e in batch}))).tuples())
            latest_visual = {(e.run_id, kept_as(e)): e for e in batch if not kept_whole(e.type)}
            for event in batch:
                if event.run_id not in present or event.json is None or (event.run_id, event.seq) in stored:
                    continue  # deleted while still sending, a visual frame already superseded, or already stored
                if kept_whole(event.type):
                    session.add(EventRow(run_id=event.run_id, seq=event.seq, type=event.type, payload=event.json))
                    if event.type == "status":
                        run = session.get(Run, event.run_id)
                        if event.data.get("attempt", run.attempt) > run.attempt:
                            forget_attempt(session, event)
                        apply_status(run, event)
                elif latest_visual[(event.run_id, kept := kept_as(event))] is event:
                    session.execute(delete(EventRow).where(EventRow.run_id == event.run_id, EventRow.type == kept))
                    session.add(EventRow(run_id=event.run_id, seq=event.seq, type=kept, payload=event.json))


def kept_as(event: Event) -> str:
    """The slot a visual event replaces (workers.engine.probes.slot): its kind, or its kind and probe.

    Events from Redis carry their slot as their type already; those from memory carry the kind."""
    return slot(event.type, event.data) if event.json is not None else event.type


def forget_attempt(session: Session, event: Event) -> None:
    """A new attempt starts from scratch: the lost one's metrics and frames are no longer the run's."""
    session.execute(delete(EventRow).where(EventRow.run_id == event.run_id, EventRow.type != "status",
                                           EventRow.seq < event.seq))


def apply_status(run: Run, event: Event) -> None:
    data = event.data
    status = data["status"]
    now = datetime.now(timezone.utc)
    run.status = status
    if status == "running" and run.started_at is None:
        run.started_at = now
    if "device" in data:
        run.device = data["device"]
    if "attempt" in data:
        run.attempt = data["attempt"]
    if status in TERMINAL:
        run.finished_at = now
        run.summary = data.get("summary")
        run.error = data.get("message") if status == "failed" else None


def stored_events(session: Session, run_id: str, after: int) -> list[str]:
    rows = session.scalars(select(EventRow.payload).where(EventRow.run_id == run_id, EventRow.seq > after)
                           .order_by(EventRow.seq))
    return list(rows)


def last_stored_seq(session: Session, run_id: str) -> int:
    from sqlalchemy import func

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
