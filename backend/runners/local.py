"""The embedded runner: a pool of child processes, one per run, supervised by one thread.

Children come from a forkserver that has already imported torch and the
engine, so a run starts in milliseconds and the event loop never runs torch.
The supervisor thread owns every child: it starts queued runs when a slot is
free, relays their events to the bus in order, passes control actions down,
and fails a run whose process died without saying how it ended.
"""
from __future__ import annotations

import asyncio
import logging
import multiprocessing
import queue
import threading
from collections import deque
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait

from workers.engine.status import Status, is_terminal_event, status_event
from workers.local import train_in_child

log = logging.getLogger(__name__)
PRELOAD = ["workers.local"]  # imported once in the forkserver: torch and the engine
JOIN_SECONDS = 5


@dataclass
class Queued:
    run_id: str
    spec_json: str
    early_actions: list[str] = field(default_factory=list)  # pause/resume sent before it started


@dataclass
class Child:
    run_id: str
    process: multiprocessing.Process
    events: Connection
    control: Connection
    ended: bool = False  # a terminal status came through
    last: dict | None = None  # its latest event: where the run was if the process dies


class LocalRunner:
    kind = "local"

    def __init__(self, max_concurrent: int, bus, device: str):
        self.max_concurrent, self.bus, self.device = max_concurrent, bus, device
        self.context = multiprocessing.get_context("forkserver")
        self.context.set_forkserver_preload(PRELOAD)
        self.commands: queue.SimpleQueue = queue.SimpleQueue()
        self.wake_reader, self.wake_writer = self.context.Pipe(duplex=False)
        self.pending: deque[Queued] = deque()
        self.children: dict[Connection, Child] = {}
        self.closing = False
        self.thread = threading.Thread(target=self._supervise, name="local-runner", daemon=True)

    # -- called on the event loop -------------------------------------------------------------

    async def start(self) -> None:
        self.loop = asyncio.get_running_loop()
        await asyncio.to_thread(self._warm_forkserver)
        self.thread.start()

    def _warm_forkserver(self) -> None:
        """The forkserver starts (importing torch and the trainer: seconds) with the first process it forks:
        fork a no-op before the server takes requests, so that no run waits for it."""
        warm = self.context.Process(target=int, name="warm-forkserver", daemon=True)
        warm.start()
        warm.join()

    async def stop(self) -> None:
        self._send(self._shutdown)
        await asyncio.to_thread(self.thread.join, JOIN_SECONDS * 2)

    async def submit(self, run_id: str, spec_json: str) -> None:
        self._send(self._enqueue, Queued(run_id, spec_json))

    async def control(self, run_id: str, action: str) -> None:
        self._send(self._control, run_id, action)

    async def after_restart(self, run_id: str, status: str, spec_json: str) -> bool:
        """Queued runs queue again; a run that was training died with the server's children."""
        if status != Status.QUEUED:
            return True
        await self.submit(run_id, spec_json)
        return False

    def watchdogs(self, queries) -> list:
        return []  # the supervisor thread sees its children die at once

    def _send(self, command, *args) -> None:
        self.commands.put((command, args))
        self.wake_writer.send_bytes(b"!")

    # -- the supervisor thread ----------------------------------------------------------------

    def _supervise(self) -> None:
        while not self.closing:
            for ready in wait([self.wake_reader, *self.children]):
                if ready is self.wake_reader:
                    self._run_commands()
                else:
                    self._relay(self.children[ready])
            self._fill()

    def _run_commands(self) -> None:
        while self.wake_reader.poll():
            self.wake_reader.recv_bytes()
        while not self.commands.empty():
            command, args = self.commands.get()
            command(*args)

    def _enqueue(self, queued: Queued) -> None:
        self.pending.append(queued)

    def _control(self, run_id: str, action: str) -> None:
        for child in self.children.values():
            if child.run_id == run_id:
                child.control.send(action)
                return
        for queued in self.pending:
            if queued.run_id == run_id:
                if action == "stop":
                    self.pending.remove(queued)
                    self._publish(run_id, status_event(Status.CANCELLED, "stopped before it started"))
                else:
                    queued.early_actions.append(action)
                return

    def _fill(self) -> None:
        while self.pending and len(self.children) < self.max_concurrent and not self.closing:
            self._launch(self.pending.popleft())

    def _launch(self, queued: Queued) -> None:
        events_parent, events_child = self.context.Pipe(duplex=False)
        control_child, control_parent = self.context.Pipe(duplex=False)
        process = self.context.Process(target=train_in_child, name=f"run-{queued.run_id}", daemon=True,
                                       args=(queued.spec_json, self.device, events_child, control_child))
        process.start()
        events_child.close()  # our copies: only the child's ends must stay open, so its death reads as EOF
        control_child.close()
        for action in queued.early_actions:
            control_parent.send(action)
        self.children[events_parent] = Child(queued.run_id, process, events_parent, control_parent)

    def _relay(self, child: Child) -> None:
        try:
            while child.events.poll():
                engine_event = child.events.recv()
                child.last = engine_event
                if is_terminal_event(engine_event):
                    child.ended = True
                self._publish(child.run_id, engine_event)
        except (EOFError, OSError):
            self._reap(child)

    def _reap(self, child: Child) -> None:
        del self.children[child.events]
        child.process.join(JOIN_SECONDS)
        child.events.close()
        child.control.close()
        if not child.ended and not self.closing:
            code = child.process.exitcode
            where = child.last or {"step": 0, "epoch": 0.0, "time": 0.0}
            self._publish(child.run_id, status_event(
                Status.FAILED, f"the training process died (exit code {code}) before the run ended",
                step=where["step"], epoch=where["epoch"], time=where["time"]))

    def _publish(self, run_id: str, engine_event: dict) -> None:
        try:
            asyncio.run_coroutine_threadsafe(self.bus.publish(run_id, engine_event), self.loop)
        except RuntimeError:  # the event loop is closing: the next start marks the run interrupted
            log.warning("dropped an event of run %s during shutdown", run_id)

    def _shutdown(self) -> None:
        self.closing = True
        for child in list(self.children.values()):
            child.process.terminate()
        for child in list(self.children.values()):
            child.process.join(JOIN_SECONDS)
            if child.process.is_alive():
                child.process.kill()
