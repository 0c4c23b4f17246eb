"""train(spec, emit, control): the whole training run, readable top to bottom.

Pure: it knows nothing of the web, the database or the queue. It reports only
through `emit` and listens only through `control`. It knows no kind of data
either: the dataset's Kind (kinds/) brings the data, the model, its loss, its
evaluation and its visuals; the run here does the rest, the same for every kind.

Steppable: Run.advance() trains a slice (some steps, some milliseconds) and comes
back, never blocking on control, so that one process can host many runs
(workers/scheduler.py); train() is the blocking driver of one run over it.
"""
from __future__ import annotations

import math
import time
from collections import deque
from contextlib import contextmanager
from typing import Callable, Iterator

import torch

from .control import SET, Control, Message, live_changes, parameter_edits, stop_reason
from .early_stopping import EarlyStopper
from .events import Emit, event
from .kinds import Events, kind_for
from .optim import build_optimizer
from .pacing import VISUALS_SHARE, Pacing  # noqa: F401  (VISUALS_SHARE: the share tests read here)
from .probes.final_weights import final_weights
from .probes.metrics import finite_or_none
from .regularizers import penalty_fn
from .spec import Spec
from .status import Status, status_event

PAUSE_POLL_SECONDS = 1.0  # how long a paused run blocks on its control before looking again

# What advance() answers: it trained its slice and has more to do; it is paused (advancing it again does
# nothing until an action is delivered); it has ended (its terminal status is sent).
STEPPED, PAUSED, DONE = "stepped", "paused", "done"
# What the training generator yields, for a run that trains in a batch (`batch` set), when its next step is
# ready in `pending`: the batch (workers/batching.py) takes that step for all its runs at once.
AWAIT = "await"


class Diverged(Exception):
    pass


class Run:
    """The state of one training run; `train` below drives it."""

    def __init__(self, spec: Spec, emit: Emit, control: Control, device: str):
        self.spec, self.emit, self.control, self.device = spec, emit, control, device
        self.started = time.monotonic()
        self.step, self.epoch = 0, 0.0
        torch.manual_seed(spec.train.seed)
        self.shuffle = torch.Generator().manual_seed(spec.train.seed)
        self.pacing = Pacing(spec.stream.max_fps)  # when its frames are due
        self.visuals = math.isfinite(self.pacing.interval)

        # The data, the head, the model (initialised, on the device) and the probes.
        self.kind = kind_for(spec.data.dataset, spec.data)(spec, device, self.visuals)
        self.model = self.kind.model
        self.batch_loss = self.kind.batch_loss
        self.params = list(self.model.parameters())
        optimizer = spec.train.optimizer
        self.optimizer = build_optimizer(optimizer, self.params)
        # Plain SGD is one foreach op; torch.optim's step costs a third of a tiny network's step (bench/).
        self.plain_sgd = optimizer.name == "sgd" and optimizer.momentum == 0
        self.base_lr = optimizer.lr
        self.penalty = penalty_fn(spec.train, self.model)

        self.last_metrics: dict = {}
        self.measured_at = -1
        self.last_measured_visuals, self.measured_visuals_at = -math.inf, -1

        self.inbox: deque[Message] = deque()  # actions delivered from outside, heard before the control's
        self.stop_reason: str | None = None  # why the server stopped it, for its final status (else the user did)
        # A batch this run trains in (kinds/points/batched.py), holding its weights between steps: None alone.
        self.batch = None
        self.pending: tuple[float, torch.Tensor, torch.Tensor] | None = None  # the awaited step: start, inputs, targets
        self.training: Iterator[str] | None = None  # the generator advance() drives; made on first use
        self.random = self._random_state()  # its own random stream, whatever other runs of the process draw

    # -- reporting --------------------------------------------------------------------------------

    def send(self, kind: str, data: dict) -> None:
        self.emit(event(kind, self.step, self.epoch, time.monotonic() - self.started, data))

    def send_all(self, events: Events) -> None:
        """Send a frame's events, or none of them if any is not finite (the run is diverging, and its
        metrics will say so)."""
        if any(data is None for _, data in events):
            return
        for kind, data in events:
            self.send(kind, data)

    def status(self, status: Status, message: str | None = None, **extra) -> None:
        self.emit(status_event(status, message, step=self.step, epoch=self.epoch,
                               time=time.monotonic() - self.started, **extra))

    def frame(self, force: bool, produce: Callable[[], None]) -> None:
        """Call produce() (which computes and sends a frame's visual events) when a frame is due (pacing.py);
        a forced frame (start, pause, end) is always due."""
        if not force and not self.pacing.due():
            return
        started = time.monotonic()
        produce()
        self.pacing.framed(started, time.monotonic() - started)

    def maybe_frame(self, force: bool = False) -> None:
        """The kind's frame when one is due (see frame()), or now when forced (start, pause, end). A run
        stacked in a batch has its frames drawn with the batch's other runs (workers/batching.py)."""
        if self.kind.framed and (force or self.batch is None or self not in self.batch):
            self.frame(force, lambda: self.send_all(self.synced().frame_events(force)))

    def synced(self):
        """The kind, its model holding the run's current weights (in a batch, they live in the batch's
        stacked tensors between steps)."""
        if self.batch is not None:
            self.batch.sync(self)
        return self.kind

    def measured_visuals(self, force: bool = False) -> None:
        """The kind's visuals of the last measurement: once per measurement, at most max_fps a second."""
        if not self.visuals or self.measured_visuals_at == self.measured_at:
            return
        now = time.monotonic()
        if not force and now - self.last_measured_visuals < self.pacing.interval:
            return
        events = self.kind.measured_events()
        if events is None:
            return
        self.last_measured_visuals, self.measured_visuals_at = now, self.measured_at
        self.send_all(events)

    def measure(self, again: bool = False) -> dict:
        """Send the metrics of the model as it is now; raise Diverged (after sending) if its loss is not finite.

        Measured once per step count, unless `again` (the weights changed without a step: restored).
        """
        if self.step == self.measured_at and not again:
            self.measured_visuals()  # perhaps held back last time: at most max_fps a second
            return self.last_metrics
        self.measured_at = self.step
        measured, grads, weights, penalty = self.measurement(again)
        metrics = {**{k: finite_or_none(v) for k, v in measured.items()},
                   "lr": self.optimizer.param_groups[0]["lr"], "grad_norms": grads, "weight_norms": weights}
        if self.penalty is not None:
            metrics["penalty"] = finite_or_none(penalty)
        self.last_metrics = metrics
        self.send("metrics", metrics)
        if metrics["train_loss"] is None:
            raise Diverged(f"the training loss became {measured['train_loss']} at epoch {self.epoch:g} "
                           f"(step {self.step})")
        self.measured_visuals()
        return metrics

    def measurement(self, again: bool) -> tuple[dict, dict, dict, float | None]:
        """(the kind's evaluation, gradient norms, weight norms, the penalty or None) of the model now: in a
        batch, the batch's, measured for all its runs at once (unless `again`: weights restored here)."""
        batched = self.batch.measurement(self) if self.batch is not None and not again else None
        if batched is not None:
            return batched
        kind = self.synced()
        if kind.has_modes:
            self.model.eval()  # dropout off, batch norm on running statistics
        measured = kind.evaluate()
        if kind.has_modes:
            self.model.train()
        with torch.no_grad():
            penalty = self.penalty().item() if self.penalty is not None else None
        return (measured, *kind.norms(), penalty)

    def summary(self) -> dict:
        keys = ("train_loss", "test_loss", "train_accuracy", "test_accuracy")
        return {**{k: self.last_metrics[k] for k in keys if k in self.last_metrics},
                "epochs": self.epoch, "steps": self.step, "seconds": round(time.monotonic() - self.started, 3)}

    # -- control ----------------------------------------------------------------------------------

    def deliver(self, message: Message) -> None:
        """An action from outside, heard at the next step (or, paused, at the next advance). A live `set`
        applies at once: a run is only ever delivered to between two steps."""
        if isinstance(message, dict) and message["action"] == SET:
            self.change(message["values"])
        else:
            self.inbox.append(message)

    def next_action(self, paused: bool = False) -> str | None:
        """The next delivered action, else (running) the control's; a `set` is applied and answers None."""
        message = self.inbox.popleft() if self.inbox else None if paused else self.control.poll()
        if message is None:  # nearly every step's answer: nothing more to look at
            return None
        if isinstance(message, dict) and message["action"] == SET:
            self.change(message["values"])
            return None
        if (reason := stop_reason(message)) is not None:  # a stop from the server (a limit), with its reason
            self.stop_reason = self.stop_reason or reason
            return "stop"
        return message

    def change(self, values: dict) -> None:
        """Live changes (control.LIVE_PATHS) from the next step on; edited weights at once, and shown."""
        self.spec = live_changes(self.spec, values)
        train = self.spec.train
        self.base_lr = train.optimizer.lr
        self.set_lr()
        self.penalty = penalty_fn(train, self.model)
        if edits := parameter_edits(values):
            self.kind.edit(edits)
            self.maybe_frame(force=True)  # the diagram and the boundary show the edit, even while paused

    def paused(self) -> Iterator[str]:
        """Yield PAUSED until resume, step or stop is delivered; return which."""
        self.maybe_frame(force=True)
        self.status(Status.PAUSED)
        while True:
            if not self.inbox:
                yield PAUSED
                continue
            action = self.next_action(paused=True)
            if action in ("resume", "step", "stop"):
                if action == "resume":
                    self.status(Status.RUNNING)
                return action

    # -- training ---------------------------------------------------------------------------------

    def batches(self):
        """Yield (start, end, inputs, targets) mini-batches of one epoch in a fresh random order; start and
        end are the batch's place in the epoch (0 to 1)."""
        kind = self.kind
        n, batchnorm, augment = kind.x.shape[0], kind.has_batchnorm, kind.augment
        order = torch.randperm(n, generator=self.shuffle).to(self.device)
        x, y = kind.x[order], kind.y[order]  # one gather per epoch; batches are views
        start, size, split_at, xs, ys = 0, 0, 0, (), ()
        while start < n:
            wanted = min(self.spec.train.batch_size, n)  # read each batch: a live `set` may change it
            if wanted != size:  # the views of the rest of the epoch, made at once (cheaper than a slice each)
                size, split_at = wanted, start
                xs, ys = x[start:].split(size), y[start:].split(size)
            if batchnorm and n - start == 1:
                break  # batch norm cannot normalise a batch of one
            inputs, targets = xs[(start - split_at) // size], ys[(start - split_at) // size]
            if augment is not None:
                inputs = augment(inputs)
            yield start / n, min(start + size, n) / n, inputs, targets
            start += size

    def optimizer_step(self, inputs: torch.Tensor, targets: torch.Tensor) -> None:
        loss = self.batch_loss(inputs, targets)
        if self.penalty is not None:
            loss = loss + self.penalty()
        for p in self.params:  # what zero_grad(set_to_none=True) does, without its profiler overhead
            p.grad = None
        loss.backward()
        if self.spec.train.grad_clip is not None:
            torch.nn.utils.clip_grad_norm_(self.params, self.spec.train.grad_clip)
        if self.plain_sgd:
            with torch.no_grad():
                params = [p for p in self.params if p.grad is not None]
                torch._foreach_add_(params, [p.grad for p in params], alpha=-self.optimizer.param_groups[0]["lr"])
        else:
            self.optimizer.step()

    def set_lr(self) -> None:
        lr = self.base_lr * self.spec.train.schedule.factor(self.epoch)
        for group in self.optimizer.param_groups:
            group["lr"] = lr

    # -- driving ----------------------------------------------------------------------------------

    def advance(self, steps: int | None = None, seconds: float | None = None) -> str:
        """Train until `steps` optimizer steps are done or `seconds` have passed (at least one step), the run
        pauses or it ends; answer STEPPED, PAUSED or DONE. Never blocks: a paused run answers PAUSED at once
        until an action is delivered."""
        if self.training is None:
            self.training = self.trained()
        self.pacing.resumed()
        deadline = time.monotonic() + seconds if seconds is not None else None
        done = 0
        with self.own_random(), self.own_clock():
            for state in self.training:
                if state == PAUSED:
                    return PAUSED
                done += 1
                if (steps is not None and done >= steps) or (deadline is not None and time.monotonic() >= deadline):
                    return STEPPED
        return DONE

    def run(self) -> None:
        """The whole run, blocking: wait on the control while paused."""
        while (state := self.advance()) != DONE:
            if state == PAUSED and (action := self.control.wait(PAUSE_POLL_SECONDS)) is not None:
                self.inbox.append(action)  # a `set` stays a message, so that next_action applies it

    def _random_state(self) -> list[torch.Tensor]:
        cuda = self.device.startswith("cuda")
        return [torch.get_rng_state(), *([torch.cuda.get_rng_state()] if cuda else [])]

    @contextmanager
    def own_clock(self):
        try:
            yield
        finally:
            self.pacing.left()

    @contextmanager
    def own_random(self):
        """Draw from this run's random stream (dropout, augmentation): runs sharing a process interleave, and
        each must draw what it would alone."""
        torch.set_rng_state(self.random[0])
        if len(self.random) > 1:
            torch.cuda.set_rng_state(self.random[1])
        try:
            yield
        finally:
            self.random = self._random_state()

    def trained(self) -> Iterator[str]:
        """The run from its first status to its last, yielding STEPPED after each optimizer step and PAUSED
        while paused."""
        train = self.spec.train
        scheduled = train.schedule.name != "constant"
        stopper = EarlyStopper(train.early_stopping, lambda: self.synced().model) if train.early_stopping else None
        steps_asked = 0  # epochs still to train before pausing again ("step" while paused)
        outcome, message = Status.SUCCEEDED, None

        self.started = time.monotonic()  # event times count from here, not from the set-up
        self.status(Status.RUNNING, device=self.device)
        self.send_all(self.kind.first_events())
        self.maybe_frame(force=True)
        for epoch in range(train.epochs):
            for start, end, inputs, targets in self.batches():
                action = self.next_action()
                if action == "pause":
                    action = yield from self.paused()
                if action == "stop":
                    outcome, message = Status.CANCELLED, self.stop_reason or "stopped by the user"
                    break
                if action == "step":
                    steps_asked += 1
                if action == "resume" and steps_asked:  # resumed while stepping: run on, no pause at the end
                    steps_asked = 0
                    self.status(Status.RUNNING)
                if scheduled:
                    self.epoch = epoch + start  # the rate of a step is the schedule's where the step begins
                    self.set_lr()
                if self.batch is None:
                    self.optimizer_step(inputs, targets)
                else:
                    self.pending = (start, inputs, targets)
                    yield AWAIT  # the batch takes this step (or, not stacked yet, has this run take it alone)
                    self.pending = None
                self.step += 1
                self.epoch = epoch + end
                self.maybe_frame()
                if train.max_steps is not None and self.step >= train.max_steps:
                    outcome, message = Status.SUCCEEDED, f"reached max_steps ({train.max_steps})"
                    break
                yield STEPPED
            try:
                metrics = self.measure()  # also where a stopped run's summary comes from
            except Diverged as diverged:
                self.status(Status.FAILED, f"diverged: {diverged}. Try a lower learning rate "
                            f"(this run used {self.base_lr:g}), gradient clipping or a smaller initialisation.")
                return
            if message is not None:  # stopped, or max_steps
                break
            if self.kind.epoch_events_due(epoch + 1):  # a whole epoch's (a gradient check)
                self.send_all(self.synced().epoch_events(epoch + 1))
            if stopper is not None and stopper.should_stop(self.epoch, metrics["test_loss"]):
                message = stopper.message(self.epoch)
                if train.early_stopping.restore_best:
                    stopper.restore()
                    self.measure(again=True)  # the metrics of the weights the run ends with
                break
            if steps_asked:
                steps_asked -= 1
                if steps_asked == 0:
                    action = yield from self.paused()
                    if action == "stop":
                        outcome, message = Status.CANCELLED, self.stop_reason or "stopped by the user"
                        break
                    steps_asked = int(action == "step")
        self.maybe_frame(force=True)
        self.measured_visuals(force=True)
        self.send_all(self.synced().last_events())
        if (weights := final_weights(self.kind.kept_model())) is not None:
            self.send("final_weights", weights)
        self.status(outcome, message, summary=self.summary())


def train(spec: Spec, emit: Emit, control: Control, device: str = "cpu") -> None:
    """Train `spec`, reporting through `emit`; the last event is always a terminal status."""
    Run(spec, emit, control, device).run()
