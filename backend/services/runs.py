"""Runs: create, read, control, delete. The routes translate HTTP to these calls and back."""
from __future__ import annotations

import asyncio
import json
import uuid

from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from workers.engine import Limits, Problem, Spec, problems
from workers.engine.events import event

from ..db.models import Run
from ..events import Event
from .recorder import Recorder, last_stored_seq, metric_history, stored_events

ACTIVE = ("queued", "running", "paused")
# What each status lets a user ask; anything else is a 409 naming the status.
ALLOWED_ACTIONS = {
    "queued": {"pause", "resume", "stop"},  # a pause before the start takes effect when it starts
    "running": {"pause", "stop"},
    "paused": {"resume", "step", "stop"},
}


class NotFound(Exception):
    pass


class Conflict(Exception):
    pass


class OverQuota(Exception):
    pass


class InvalidSpec(Exception):
    def __init__(self, found: list[Problem]):
        super().__init__("; ".join(p.msg for p in found))
        self.problems = found


class RunService:
    def __init__(self, sessions: sessionmaker, bus, runner, recorder: Recorder, limits: Limits, max_active: int):
        self.sessions, self.bus, self.runner, self.recorder = sessions, bus, runner, recorder
        self.limits, self.max_active = limits, max_active

    async def _db(self, fn, *args):
        return await asyncio.to_thread(fn, *args)

    async def create(self, owner: str, spec: Spec, name: str | None) -> Run:
        found = problems(spec, self.limits)
        if found:
            raise InvalidSpec(found)
        run = Run(id=uuid.uuid4().hex, owner_id=owner, name=name, status="queued",
                  spec=spec.model_dump(mode="json", by_alias=True))

        def insert() -> None:
            with self.sessions.begin() as session:
                active = session.scalar(select(func.count()).select_from(Run)
                                        .where(Run.owner_id == owner, Run.status.in_(ACTIVE)))
                if active >= self.max_active:
                    raise OverQuota(f"{active} runs are queued or training; this server allows "
                                    f"{self.max_active} at once per user: wait for one to end or stop one")
                session.add(run)

        await self._db(insert)
        try:
            await self.bus.publish(run.id, event("status", 0, 0.0, 0.0, {"status": "queued", "attempt": 1}))
            await self.runner.submit(run.id, spec.model_dump_json(by_alias=True))
        except Exception:
            await self._db(self._remove, run.id)  # not queued, so not created: nothing half-made stays
            raise
        return run

    async def get(self, owner: str, run_id: str) -> Run:
        def load() -> Run | None:
            with self.sessions() as session:
                return session.get(Run, run_id)
        run = await self._db(load)
        if run is None or run.owner_id != owner:
            raise NotFound(f"no run {run_id}")
        return run

    async def list(self, owner: str, status: str | None, limit: int, offset: int) -> list[Run]:
        def load() -> list[Run]:
            query = select(Run).where(Run.owner_id == owner)
            if status:
                query = query.where(Run.status == status)
            with self.sessions() as session:
                return list(session.scalars(query.order_by(Run.created_at.desc()).limit(limit).offset(offset)))
        return await self._db(load)

    async def control(self, owner: str, run_id: str, action: str) -> Run:
        run = await self.get(owner, run_id)
        if action not in ALLOWED_ACTIONS.get(run.status, ()):
            allowed = sorted(ALLOWED_ACTIONS.get(run.status, ()))
            hint = f"; it allows {', '.join(allowed)}" if allowed else "; it has ended"
            raise Conflict(f"cannot {action} a run that is {run.status}{hint}")
        await self.runner.control(run_id, action)
        return run

    async def delete(self, owner: str, run_id: str) -> None:
        run = await self.get(owner, run_id)
        if run.status in ACTIVE:
            await self.runner.control(run_id, "stop")
        await self._db(self._remove, run_id)
        await self.bus.forget(run_id)

    def _remove(self, run_id: str) -> None:
        with self.sessions.begin() as session:
            run = session.get(Run, run_id)
            if run is not None:
                session.delete(run)

    async def metrics(self, owner: str, run_id: str) -> dict:
        await self.get(owner, run_id)
        return await self._db(self._in_session, metric_history, run_id)

    async def events(self, owner: str, run_id: str, after: int) -> list[str]:
        await self.get(owner, run_id)
        return await self.stored_events(run_id, after)

    async def stored_events(self, run_id: str, after: int) -> list[str]:
        return await self._db(self._in_session, stored_events, run_id, after)

    def _in_session(self, fn, *args):
        with self.sessions() as session:
            return fn(session, *args)

    async def unfinished(self) -> list[tuple[str, str, str, int]]:
        """(id, status, spec JSON, last stored seq) of every queued, running or paused run."""
        def load() -> list[tuple[str, str, str, int]]:
            with self.sessions() as session:
                runs = session.scalars(select(Run).where(Run.status.in_(ACTIVE)).order_by(Run.created_at))
                return [(r.id, r.status, json.dumps(r.spec), last_stored_seq(session, r.id)) for r in runs]
        return await self._db(load)

    async def recover(self) -> None:
        """After a restart, the runner takes back what it can; the rest is failed as interrupted."""
        for run_id, status, spec_json, last_seq in await self.unfinished():
            self.bus.open(run_id, last_seq)
            if await self.runner.after_restart(run_id, status, spec_json):
                interrupted = event("status", 0, 0.0, 0.0, {
                    "status": "failed", "message": "interrupted: the server stopped while this run was training"})
                await self._db(self.recorder.write, [Event.numbered(run_id, last_seq + 1, interrupted)])
