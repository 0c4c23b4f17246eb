"""Runs: create, control, delete, and take back after a restart. Reads are in queries.py."""
from __future__ import annotations

import asyncio
import uuid

from sqlalchemy import update
from sqlalchemy.orm import sessionmaker

from workers.engine import Limits, Problem, Spec, problems
from workers.engine.control import SET, parameter_at, set_message
from workers.engine.datasets import dataset_of
from workers.engine.status import ACTIVE, Status, allowed_actions, status_event

from ..db.models import Run
from ..events import Event
from .access import Caller
from .assignments import Assignments
from .datasets import Datasets
from .errors import Conflict, InvalidBody, InvalidSpec
from .locks import broken_locks, comparable, lock_on
from .queries import Queries
from .quotas import Quotas
from .recorder import Recorder


class RunService:
    def __init__(self, sessions: sessionmaker, queries: Queries, bus, runner, recorder: Recorder, limits: Limits,
                 quotas: Quotas, assignments: Assignments, datasets: Datasets):
        self.sessions, self.queries, self.bus, self.runner, self.recorder = sessions, queries, bus, runner, recorder
        self.limits, self.quotas, self.assignments, self.datasets = limits, quotas, assignments, datasets

    async def create(self, caller: Caller, spec: Spec, name: str | None, assignment_id: str | None = None) -> Run:
        """A new run, queued; made for an assignment, it must keep the assignment's locked settings. On an
        uploaded dataset, its spec carries the points (to the worker, and into the database for a restart)."""
        assignment = await self.assignments.for_run(caller, assignment_id) if assignment_id is not None else None
        spec = await self.datasets.resolve(caller, spec, assignment.spec if assignment is not None else None)
        stored = spec.model_dump(mode="json", by_alias=True)
        found = problems(spec, self.limits)
        if assignment is not None:
            found = found + broken_locks(assignment.spec, assignment.locked, comparable(stored), assignment.title)
        if found:
            raise InvalidSpec(found)
        run = Run(id=uuid.uuid4().hex, owner_id=caller.id, name=name, status=Status.QUEUED.value, spec=stored,
                  assignment_id=assignment_id)

        def insert() -> None:
            with self.sessions.begin() as session:
                self.quotas.admit(session, caller.id)
                session.add(run)

        await asyncio.to_thread(insert)
        try:
            await self.bus.publish(run.id, status_event(Status.QUEUED, attempt=1))
            await self.runner.submit(run.id, spec.model_dump_json(by_alias=True))
        except Exception:
            await asyncio.to_thread(self._remove, run.id)  # not queued, so not created: nothing half-made stays
            raise
        return run

    async def control(self, caller: Caller, run_id: str, action: str, values: dict | None = None) -> Run:
        """Pass an action on; `set` (with its values) reaches any unfinished run."""
        run = await self.queries.run(caller, run_id)
        allowed = allowed_actions(run.status) | ({SET} if run.status in ACTIVE else set())
        if action not in allowed:
            hint = f"; it allows {', '.join(sorted(allowed))}" if allowed else "; it has ended"
            raise Conflict(f"cannot {action} a run that is {run.status}{hint}")
        if action == SET and (outside := parameters_outside(run.spec, values)):
            raise InvalidBody(outside)
        if action == SET and run.assignment_id is not None:
            await self._keep_locks(run.assignment_id, values)
        await self.runner.control(run_id, set_message(values) if action == SET else action)
        return run

    async def rename(self, caller: Caller, run_id: str, name: str | None) -> Run:
        """The name is the one field of a run its owner writes; only this column changes, so the recorder's
        writes of the same row go on untouched."""
        await self.queries.run(caller, run_id)

        def store() -> None:
            with self.sessions.begin() as session:
                session.execute(update(Run).where(Run.id == run_id).values(name=name))

        await asyncio.to_thread(store)
        return await self.queries.run(caller, run_id)

    async def _keep_locks(self, assignment_id: str, values: dict) -> None:
        """A live change may not undo a lock either: 422 naming the value, as for a path that cannot change."""
        assignment = await self.assignments.locks_of(assignment_id)
        locked = assignment.locked if assignment else []
        found = [Problem(("values", path), f"{path} is locked by the assignment {assignment.title!r}"
                         + (f" ({lock})" if lock != path else ""), "locked")
                 for path in values if (lock := lock_on(locked, path))]
        if found:
            raise InvalidBody(found)

    async def delete(self, caller: Caller, run_id: str) -> None:
        run = await self.queries.run(caller, run_id)
        if run.status in ACTIVE:
            await self.runner.control(run_id, "stop")
        await asyncio.to_thread(self._remove, run_id)
        await self.bus.forget(run_id)

    def _remove(self, run_id: str) -> None:
        with self.sessions.begin() as session:
            run = session.get(Run, run_id)
            if run is not None:
                session.delete(run)

    async def recover(self) -> None:
        """After a restart, the runner takes back what it can; the rest is failed as interrupted."""
        for run_id, status, spec_json, last_seq, _attempt in await self.queries.unfinished():
            self.bus.open(run_id, last_seq)
            if await self.runner.after_restart(run_id, status, spec_json):
                interrupted = status_event(Status.FAILED, "interrupted: the server stopped while this run was training")
                await asyncio.to_thread(self.recorder.write, [Event.numbered(run_id, last_seq + 1, interrupted)])


def parameter_shapes(spec: dict) -> list[tuple[int, int]] | None:
    """(out, in) of each weight layer of a 2-D run's network; None for other kinds."""
    from workers.engine.kinds.points.model import weight_shapes

    spec = Spec.model_validate(spec)
    return weight_shapes(spec) if dataset_of(spec.data).kind == "2d" else None


def parameters_outside(spec: dict, values: dict) -> list[Problem]:
    """The weight and bias paths of a live `set` that point outside the run's network, each named."""
    paths = [path for path in values if parameter_at(path)]
    if not paths:
        return []
    shapes = parameter_shapes(spec)
    if shapes is None:
        return [Problem(("values", path), "only a 2-D run's network has weights to set", "not_live")
                for path in paths]
    found = []
    for path in paths:
        name, layer, index = parameter_at(path)
        if layer >= len(shapes):
            why = f"the network has {len(shapes)} weight layers (0 to {len(shapes) - 1})"
        else:
            shape = shapes[layer] if name == "weights" else shapes[layer][:1]
            outside = [(axis, i, size) for axis, (i, size) in zip(("unit", "input"), zip(index, shape)) if i >= size]
            why = ", ".join(f"{axis} {i} is beyond the layer's {size}" for axis, i, size in outside)
        if why:
            found.append(Problem(("values", path), f"{path} is outside the network: {why}", "outside_network"))
    return found

