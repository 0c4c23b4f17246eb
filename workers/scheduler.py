"""Many runs in one process: each advanced a short slice at a time, round-robin, never blocking.

The scheduler advances jobs: one run (Solo), or a group of runs of one structure trained as one batched
computation (workers/batching.py: 2-D MLPs, the classroom's bulk), which a run of that structure joins
when it gets its slot (at most `batch_limit` runs a group; 0: never). Only active runs get slices, at most
`active_limit` of them; a paused run is parked alone (its state kept, no slice, no slot) until an action
reaches it; runs beyond the bound wait their turn, resumed ones first. An action reaches its run at the
next slice boundary: the scheduler delivers it between slices.

No web, database or queue here: events leave through `emit(run_id, event)`, messages come in through
`submit` and `control`, and whoever hosts the scheduler (workers/local.py) calls `tick` in its loop.
"""
from __future__ import annotations

import logging
from collections import deque
from functools import partial
from typing import Callable, Iterable, Protocol

from .config import Slice
from .engine import Spec
from .engine.control import Message, Never
from .engine.kinds.points.batched import structure
from .engine.status import Status, status_event
from .batching import Group

log = logging.getLogger(__name__)
STEPPED, PAUSED, DONE = "stepped", "paused", "done"  # as workers.engine.loop answers advance()


class Job(Protocol):
    run_ids: tuple[str, ...]
    departed: list  # (run id, its trainer, how) of runs that left the job in its last advance

    def deliver(self, run_id: str, message: Message) -> None:
        """An action for one of its runs, heard at its next advance."""

    def advance(self, budget: Slice) -> str:
        """Train one slice; answer STEPPED, PAUSED (nothing to do until a delivery) or DONE."""


class Solo:
    """One run as a job. Its trainer is built at its first slice (or when it joins a group), so a job
    waiting for a slot holds only its spec; whatever it raises ends the run `failed`, not the process."""

    def __init__(self, run_id: str, spec: Spec, emit: Callable[[dict], None], device: str, run=None):
        self.run_ids = (run_id,)
        self.spec, self.emit, self.device = spec, emit, device
        self.early: list[Message] = []  # delivered before its trainer was built
        self.run = run
        self.departed: list = []  # stays empty: a solo run ends with its job

    def trainer(self):
        """Its trainer, built now if it is not yet."""
        if self.run is None:
            from .engine.loop import Run  # torch: imported where training happens, not by the spec side

            self.run = Run(self.spec, self.emit, Never(), self.device)
            for message in self.early:
                self.run.deliver(message)
        return self.run

    def deliver(self, run_id: str, message: Message) -> None:
        if self.run is None:
            self.early.append(message)
        else:
            self.run.deliver(message)

    def advance(self, budget: Slice) -> str:
        try:
            return self.trainer().advance(budget.steps, budget.seconds)
        except Exception as error:  # noqa: BLE001 - whatever broke, the run must end with a status
            log.exception("run %s crashed", self.run_ids[0])
            self.emit(status_event(Status.FAILED, f"training crashed: {error!r}"))
            return DONE


class Scheduler:
    def __init__(self, emit: Callable[[str, dict], None], device: str, active_limit: int,
                 budget: Slice | None = None, batch_limit: int = 0):
        self.emit, self.device, self.active_limit = emit, device, active_limit
        self.budget = budget or Slice()
        self.batch_limit = batch_limit
        self.active: deque[Job] = deque()  # round-robin: the head trains next
        self.waiting: deque[Solo] = deque()  # for a slot: resumed runs at the front, new ones at the back
        self.parked: dict[int, Job] = {}  # paused, by id(job): no slot, no slice
        self.jobs: dict[str, Job] = {}  # every job hosted here, by each of its run ids
        self.groups: dict[tuple, Group] = {}  # the group each structure's next run joins

    def submit(self, run_id: str, spec_json: str, early: Iterable[Message] = ()) -> None:
        job = Solo(run_id, Spec.model_validate_json(spec_json), partial(self.emit, run_id), self.device)
        for message in early:
            job.deliver(run_id, message)
        self.jobs[run_id] = job
        self.waiting.append(job)

    def control(self, run_id: str, message: Message) -> None:
        job = self.jobs.get(run_id)
        if job is None:
            return  # it ended already
        job.deliver(run_id, message)
        if id(job) in self.parked:
            self.waiting.appendleft(self.parked.pop(id(job)))

    def forget(self, run_id: str) -> None:
        """Drop a run without a word (another attempt owns it now); a group goes on without it."""
        job = self.jobs.pop(run_id, None)
        if isinstance(job, Group):
            job.forget(run_id)  # a group left empty ends at its next slice
        elif job is not None:
            for line in (self.active, self.waiting):
                if job in line:
                    line.remove(job)
            self.parked.pop(id(job), None)

    @property
    def busy(self) -> bool:
        """Whether a tick would train something (else the host may sleep until a message comes)."""
        return bool(self.active or self.waiting)

    @property
    def hosted(self) -> int:
        return len(self.jobs)

    @property
    def active_runs(self) -> int:
        return sum(len(job.run_ids) for job in self.active)

    def tick(self) -> None:
        """Give slots to waiting runs while the bound allows, then one slice to the next active job."""
        while self.waiting and self.active_runs < self.active_limit:
            self._place(self.waiting.popleft())
        if not self.active:
            return
        job = self.active.popleft()
        try:
            state = job.advance(self.budget)
        except Exception as error:  # noqa: BLE001 - a broken job fails its runs, not the process
            log.exception("a job of runs %s crashed", job.run_ids)
            for run_id in job.run_ids:
                self.emit(run_id, status_event(Status.FAILED, f"training crashed: {error!r}"))
            job.departed.clear()
            state = DONE
        for run_id, run, how in job.departed:
            self._left(run_id, run, how)
        job.departed.clear()
        if state == STEPPED:
            self.active.append(job)
        elif state == PAUSED:
            self.parked[id(job)] = job
        else:
            for run_id in job.run_ids:
                self.jobs.pop(run_id, None)
            if isinstance(job, Group) and self.groups.get(job.key) is job:
                del self.groups[job.key]

    def _place(self, solo: Solo) -> None:
        """An active run trains alone, or in the group of its structure (started for it if there is none)."""
        run_id = solo.run_ids[0]
        key = structure(solo.run.spec if solo.run is not None else solo.spec) if self.batch_limit > 1 else None
        if key is None:
            self.active.append(solo)
            return
        group = self.groups.get(key)
        if group is None or group.full:
            group = self.groups[key] = Group(key, self.device, self.batch_limit)
            self.active.append(group)
        try:
            group.join(run_id, solo.trainer(), solo.emit)
        except Exception as error:  # noqa: BLE001 - a run that cannot be built ends failed, as Solo's would
            log.exception("run %s crashed", run_id)
            solo.emit(status_event(Status.FAILED, f"training crashed: {error!r}"))
            self.jobs.pop(run_id, None)
            return
        self.jobs[run_id] = group

    def _left(self, run_id: str, run, how: str) -> None:
        """A run left its group: ended, paused (parked alone), or changed beyond the group (trains alone)."""
        if how == DONE:
            self.jobs.pop(run_id, None)
            return
        solo = self.jobs[run_id] = Solo(run_id, run.spec, run.emit, self.device, run)
        if how == PAUSED:
            self.parked[id(solo)] = solo
        else:
            self.active.append(solo)
