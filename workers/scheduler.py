"""Many runs in one process: each advanced a short slice at a time, round-robin, never blocking.

The scheduler advances jobs. A job is one run today (Solo); a job that trains a group of runs of one
structure as one batched computation can join by answering the same three calls (run_ids, deliver,
advance). Only active jobs get slices, at most `active_limit` of them; a paused job is parked (its state
kept, no slice, no slot) until an action reaches it; jobs beyond the bound wait their turn, resumed ones
first. An action reaches its run at the next slice boundary: the scheduler delivers it between slices.

No web, database or queue here: events leave through `emit(run_id, event)`, messages come in through
`submit` and `control`, and whoever hosts the scheduler (workers/local.py) calls `tick` in its loop.
"""
from __future__ import annotations

import logging
from collections import deque
from dataclasses import dataclass
from functools import partial
from typing import Callable, Iterable, Protocol

from .engine import Spec
from .engine.control import Message, Never
from .engine.status import Status, status_event

log = logging.getLogger(__name__)
STEPPED, PAUSED, DONE = "stepped", "paused", "done"  # as workers.engine.loop answers advance()


@dataclass(frozen=True)
class Slice:
    """How long a job trains before the next one's turn: `steps` optimizer steps or `seconds`, whichever
    comes first (a slice is at least one step)."""
    steps: int = 50
    seconds: float = 0.01


class Job(Protocol):
    run_ids: tuple[str, ...]

    def deliver(self, run_id: str, message: Message) -> None:
        """An action for one of its runs, heard at its next advance."""

    def advance(self, budget: Slice) -> str:
        """Train one slice; answer STEPPED, PAUSED (nothing to do until a delivery) or DONE."""


class Solo:
    """One run as a job. Its trainer is built at its first slice, so a job waiting for a slot holds only
    its spec; whatever it raises ends the run `failed`, not the process."""

    def __init__(self, run_id: str, spec: Spec, emit: Callable[[dict], None], device: str):
        self.run_ids = (run_id,)
        self.spec, self.emit, self.device = spec, emit, device
        self.early: list[Message] = []  # delivered before its trainer was built
        self.run = None

    def deliver(self, run_id: str, message: Message) -> None:
        if self.run is None:
            self.early.append(message)
        else:
            self.run.deliver(message)

    def advance(self, budget: Slice) -> str:
        try:
            if self.run is None:
                from .engine.loop import Run  # torch: imported where training happens, not by the spec side

                self.run = Run(self.spec, self.emit, Never(), self.device)
                for message in self.early:
                    self.run.deliver(message)
            return self.run.advance(budget.steps, budget.seconds)
        except Exception as error:  # noqa: BLE001 - whatever broke, the run must end with a status
            log.exception("run %s crashed", self.run_ids[0])
            self.emit(status_event(Status.FAILED, f"training crashed: {error!r}"))
            return DONE


class Scheduler:
    def __init__(self, emit: Callable[[str, dict], None], device: str, active_limit: int,
                 budget: Slice = Slice()):
        self.emit, self.device, self.active_limit, self.budget = emit, device, active_limit, budget
        self.active: deque[Job] = deque()  # round-robin: the head trains next
        self.waiting: deque[Job] = deque()  # for a slot: resumed jobs at the front, new ones at the back
        self.parked: dict[int, Job] = {}  # paused, by id(job): no slot, no slice
        self.jobs: dict[str, Job] = {}  # every job hosted here, by each of its run ids

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

    @property
    def busy(self) -> bool:
        """Whether a tick would train something (else the host may sleep until a message comes)."""
        return bool(self.active or self.waiting)

    @property
    def hosted(self) -> int:
        return len(self.jobs)

    def tick(self) -> None:
        """Give slots to waiting jobs while the bound allows, then one slice to the next active job."""
        while self.waiting and len(self.active) < self.active_limit:
            self.active.append(self.waiting.popleft())
        if not self.active:
            return
        job = self.active.popleft()
        state = job.advance(self.budget)
        if state == STEPPED:
            self.active.append(job)
        elif state == PAUSED:
            self.parked[id(job)] = job
        else:
            for run_id in job.run_ids:
                self.jobs.pop(run_id, None)
