"""Group: a scheduler job that trains runs of one structure together, one batched step for all of them.

Each run stays the engine's own loop.Run (its control, measurements, frames and statuses are its own); in
a group its training generator yields AWAIT with its next mini-batch instead of stepping, and the group's
BatchedPoints takes every stacked member's step at once (kinds/points/batched.py). A run joins stacked
where it stands in its epoch as the members do: a fresh run, or one resumed mid-epoch, steps alone
(still in the group's slices) until it reaches an epoch's start, and waits there for the members to reach
theirs, at most one epoch. A run that pauses, or whose live `set` changes its structure (its batch
size), leaves the group: the scheduler parks it, or trains it alone (`departed`).
"""
from __future__ import annotations

import logging
import time
from typing import Callable

from .engine.control import SET, Message
from .engine.kinds.points.batched import BatchedPoints, structure
from .engine.loop import AWAIT, DONE, PAUSED, STEPPED, Run
from .engine.status import Status, status_event

log = logging.getLogger(__name__)

# The share of a batch's time its frames may take (an alone run's is pacing.VISUALS_SHARE, 5 %). A class is
# watched: each student's page and the teacher's wall want about 10 frames a second of every run, and at
# 5 % a batch of 30 TF-default runs draws under 2 a second each. Drawn together, 60 TF-default runs' frames
# cost about 0.14 ms a run on our 2-core machine (one evaluation over the plane for all of them:
# StackedMLP.forward_shared) and their steps about 0.2 ms an epoch, so 10 frames a second beside 30 epochs a
# second is a fifth of the time: at 30 %, frames take at most that, and stream.max_fps's 20 where they can.
BATCH_VISUALS_SHARE = 0.3
EARLY_FRAME = 0.5  # a stacked run whose frame is this close to due (a share of its gap) is drawn with those due


class Group:
    def __init__(self, key: tuple, device: str, limit: int):
        self.key, self.limit = key, limit
        self.batch = BatchedPoints(key, device)
        self.runs: dict[str, Run] = {}  # every run of the group, stacked or joining, by id
        self.emits: dict[str, Callable[[dict], None]] = {}
        self.departed: list[tuple[str, Run | None, str]] = []  # (run id, its trainer, PAUSED/STEPPED/DONE)

    @property
    def run_ids(self) -> tuple[str, ...]:
        return tuple(self.runs)

    @property
    def full(self) -> bool:
        return len(self.runs) >= self.limit

    def join(self, run_id: str, run: Run, emit: Callable[[dict], None]) -> None:
        """Take `run` (fresh, or trained alone for a while): stacked once it stands where the members do."""
        run.training = run.training or run.trained()
        run.batch = self.batch
        self.runs[run_id], self.emits[run_id] = run, emit

    def deliver(self, run_id: str, message: Message) -> None:
        run = self.runs[run_id]
        if isinstance(message, dict) and message["action"] == SET and run in self.batch:
            # A `set` applies now, to the run's own model and optimizer (an edited weight too): they hold
            # where the run stands once it is out of the batch, and are read anew when it is stacked again.
            self.batch.remove(run)
            run.deliver(message)
            self._rejoin_or_leave(run_id, run)
        else:
            run.deliver(message)  # an action is heard at its next step

    def forget(self, run_id: str) -> None:
        """Drop a run as if it had never joined: it does not come back to the scheduler."""
        self._depart(run_id, DONE)
        self.departed.pop()

    def _rejoin_or_leave(self, run_id: str, run: Run) -> None:
        if structure(run.spec) == self.key:
            run.batch = self.batch  # stacked again at its next step (it stands where the members do), read anew
        else:
            self._depart(run_id, STEPPED)

    def _depart(self, run_id: str, how: str) -> None:
        run = self.runs.pop(run_id)
        run.pacing.left()
        self.emits.pop(run_id)
        if run in self.batch:
            self.batch.remove(run)
        run.batch = None
        self.departed.append((run_id, run, how))

    # -- training ------------------------------------------------------------------------------------

    def advance(self, budget) -> str:
        """Up to budget.steps steps of every run (or budget.seconds); DONE once no run is left."""
        for run in self.runs.values():
            run.pacing.resumed(shared_by=len(self.runs))
        deadline = time.monotonic() + budget.seconds
        for _ in range(budget.steps):
            self._step()
            if not self.runs or time.monotonic() >= deadline:
                break
        for run in self.runs.values():
            # R runs trained together for t seconds had t / R each of their own time, which paces their frames
            # (pacing.py), so that the frames of the batch together take their share, not R times it.
            run.pacing.left()
        return STEPPED if self.runs else DONE

    def _step(self) -> None:
        """One step of every run: each trained on to its next step (hearing its actions), the joiners
        stacked where they stand as the members do (or stepped alone), the batch's step, and each run on
        to the step's end (counted, its frame, its limits), as Run.advance leaves an alone run."""
        for run_id, run in list(self.runs.items()):
            self._resume(run_id, run, AWAIT)
        stepped = []
        for run_id, run in self.runs.items():
            if run in self.batch:
                stepped.append((run_id, run))
                continue
            at = self.batch.runs[0].pending[0] if len(self.batch) else None  # where the members stand
            if at is None or run.pending[0] == at:
                self.batch.add(run)
                run.pacing.gap = 0.0  # paced from now on by the batch's frames, not by its forced first one alone
                stepped.append((run_id, run))
            elif run.pending[0] != 0:
                with run.own_random():
                    run.optimizer_step(*run.pending[1:])
                stepped.append((run_id, run))
            # else: at its epoch's start, waiting for the members to reach theirs
        if len(self.batch):
            try:
                self._draw()
                self.batch.step()
            except Exception as error:  # noqa: BLE001 - a broken batch fails its runs, not the process
                log.exception("a batch of %d runs crashed", len(self.batch))
                for run_id, run in list(self.runs.items()):
                    if run in self.batch:
                        self.emits[run_id](status_event(Status.FAILED, f"training crashed: {error!r}"))
                        self._depart(run_id, DONE)
                return
        for run_id, run in stepped:
            self._resume(run_id, run, STEPPED)

    def _draw(self) -> None:
        """The frames due of stacked runs, drawn together (each run still decides when its frame is due)."""
        due = [run for run in self.batch.runs if run.kind.framed and run.pacing.due()]
        if not due:
            return
        # Drawn with them, the runs due within half their gap: frames drawn together cost a run a fraction of
        # one drawn alone, and a run left out of step with the others would be drawn ever more alone, charged
        # ever more, and so drawn ever less often (the worst run's frames/s at a third of the median's).
        due += [run for run in self.batch.runs
                if run.kind.framed and run not in due and run.pacing.due(early=EARLY_FRAME)]
        started = time.monotonic()
        frames = self.batch.frames(due)
        cost = (time.monotonic() - started) / len(due)
        for run, events in zip(due, frames):
            run.send_all(events)
            run.pacing.framed(started, cost, BATCH_VISUALS_SHARE)

    def _resume(self, run_id: str, run: Run, until: str) -> None:
        """Train `run` on until it yields `until` (AWAIT: its next step is ready; STEPPED: its step is
        counted), or it pauses or ends. A run already awaiting its step is left as it is."""
        if until == AWAIT and run.pending is not None:
            return
        try:
            for state in run.training:
                if state == until:
                    return
                if state == PAUSED:
                    self._depart(run_id, PAUSED)
                    return
        except Exception as error:  # noqa: BLE001 - whatever broke, the run must end with a status
            log.exception("run %s crashed", run_id)
            self.emits[run_id](status_event(Status.FAILED, f"training crashed: {error!r}"))
        self._depart(run_id, DONE)
