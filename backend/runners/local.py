"""The embedded runner: a small pool of scheduler processes, each hosting many runs, supervised by one thread.

The processes come from a forkserver that has already imported torch and the engine, and they are
started before the server serves, so a run starts in milliseconds and the event loop never runs torch.
Each process trains its runs a slice at a time (workers/scheduler.py). The supervisor thread hands
queued runs to the least busy process while the active bound allows (a paused run holds no place),
relays events to the bus in order, passes control messages down, and, when a process dies, fails every
run it hosted (and starts another in its place).
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

from workers.engine.control import Message, stop_reason
from workers.engine.status import TERMINAL, Status, status_event
from workers.local import host_runs

log = logging.getLogger(__name__)
PRELOAD = ["workers.local", "workers.engine.loop"]  # imported once in the forkserver: torch and the engine
JOIN_SECONDS = 5
NOWHERE = {"step": 0, "epoch": 0.0, "time": 0.0}  # where a run that never sent an event was


@dataclass
class Queued:
    run_id: str
    spec_json: str
    early: list[Message] = field(default_factory=list)  # pause/resume/set sent before it started


@dataclass
class Host:
    """One scheduler process and what the supervisor knows of its runs."""
    process: multiprocessing.Process
    commands: Connection
    events: Connection
    last: dict[str, dict] = field(default_factory=dict)  # each hosted run's latest event
    active: set[str] = field(default_factory=set)  # hosted runs that are not paused: they hold a place


class LocalRunner:
    kind = "local"

    def __init__(self, settings, bus, device: str):
        self.bus, self.device = bus, device
        self.processes, self.budget, self.batch_limit = settings.processes, settings.slice, settings.batch_runs
        self.max_active = settings.active_runs
        self.per_process = min(settings.active_runs_per_process, self.max_active)
        self.context = multiprocessing.get_context("forkserver")
        self.context.set_forkserver_preload(PRELOAD)
        self.commands: queue.SimpleQueue = queue.SimpleQueue()
        self.wake_reader, self.wake_writer = self.context.Pipe(duplex=False)
        self.pending: deque[Queued] = deque()
        self.hosts: dict[Connection, Host] = {}
        self.host_of: dict[str, Host] = {}
        self.closing = False
        self.thread = threading.Thread(target=self._supervise, name="local-runner", daemon=True)

    # -- called on the event loop -------------------------------------------------------------

    async def start(self) -> None:
        self.loop = asyncio.get_running_loop()
        await asyncio.to_thread(self._start_hosts)
        self.thread.start()

    def _start_hosts(self) -> None:
        """Start the pool and wait until each process listens, before the server takes requests: the first
        fork starts the forkserver (importing torch and the trainer: seconds), and no run must wait for it."""
        started = [self._start_host() for _ in range(self.processes)]
        for host in started:
            if host.events.poll(60):
                host.events.recv()  # READY

    async def stop(self) -> None:
        self._send(self._shutdown)
        await asyncio.to_thread(self.thread.join, JOIN_SECONDS * 2)

    async def submit(self, run_id: str, spec_json: str) -> None:
        self._send(self._enqueue, Queued(run_id, spec_json))

    async def control(self, run_id: str, action: Message) -> None:
        self._send(self._control, run_id, action)

    async def after_restart(self, run_id: str, status: str, spec_json: str) -> bool:
        """Queued runs queue again; a run that was training died with the server's processes."""
        if status != Status.QUEUED:
            return True
        await self.submit(run_id, spec_json)
        return False

    def watchdogs(self, queries) -> list:
        return []  # the supervisor thread sees its processes die at once

    def _send(self, command, *args) -> None:
        self.commands.put((command, args))
        self.wake_writer.send_bytes(b"!")

    # -- the supervisor thread ----------------------------------------------------------------

    def _supervise(self) -> None:
        while not self.closing:
            for ready in wait([self.wake_reader, *self.hosts]):
                if ready is self.wake_reader:
                    self._run_commands()
                elif ready in self.hosts:
                    self._relay(self.hosts[ready])
            self._fill()

    def _run_commands(self) -> None:
        while self.wake_reader.poll():
            self.wake_reader.recv_bytes()
        while not self.commands.empty():
            command, args = self.commands.get()
            command(*args)

    def _start_host(self) -> Host:
        commands_child, commands = self.context.Pipe(duplex=False)
        events, events_child = self.context.Pipe(duplex=False)
        process = self.context.Process(target=host_runs, name="scheduler", daemon=True,
                                       args=(self.device, self.per_process, self.budget, self.batch_limit,
                                             commands_child, events_child))
        process.start()
        commands_child.close()  # our copies: only the child's ends must stay open, so its death reads as EOF
        events_child.close()
        host = self.hosts[events] = Host(process, commands, events)
        return host

    def _enqueue(self, queued: Queued) -> None:
        self.pending.append(queued)

    def _control(self, run_id: str, action: Message) -> None:
        if (host := self.host_of.get(run_id)) is not None:
            self._tell(host, ("control", run_id, action))
            return
        for queued in self.pending:
            if queued.run_id == run_id:
                reason = stop_reason(action)  # a stop from the server (a limit), with its reason
                if action == "stop" or reason is not None:
                    self.pending.remove(queued)
                    self._publish(run_id, status_event(Status.CANCELLED, reason or "stopped before it started"))
                else:
                    queued.early.append(action)
                return

    def _fill(self) -> None:
        """Hand queued runs to the least busy processes while the bounds allow."""
        while self.pending and not self.closing:
            if sum(len(host.active) for host in self.hosts.values()) >= self.max_active:
                return
            roomy = [host for host in self.hosts.values() if len(host.active) < self.per_process]
            if not roomy:
                return
            host = min(roomy, key=lambda h: (len(h.active), len(h.last)))
            queued = self.pending.popleft()
            self._tell(host, ("submit", queued.run_id, queued.spec_json, queued.early))
            host.last[queued.run_id] = NOWHERE
            host.active.add(queued.run_id)  # it holds its place from now: it starts in a moment
            self.host_of[queued.run_id] = host

    def _tell(self, host: Host, message: tuple) -> None:
        try:
            host.commands.send(message)
        except OSError:  # it died: its end-of-file, read next, fails the runs it had
            log.warning("a scheduler process died before hearing %s", message[0])

    def _relay(self, host: Host) -> None:
        """Every event the process has sent so far, handed to the event loop as one batch: one wake-up and
        one task for all of them, not one each (a class of 60 sends thousands a second)."""
        relayed = []
        try:
            while host.events.poll():
                sent = host.events.recv()
                if isinstance(sent, tuple):  # (None, READY), from a process started in place of one that died
                    continue
                for run_id, engine_event in sent:  # what one turn of its loop emitted (workers/local.py)
                    self._note(host, run_id, engine_event)
                    relayed.append((run_id, engine_event))
        except (EOFError, OSError):
            self._publish_all(relayed)
            self._reap(host)
            return
        self._publish_all(relayed)

    def _note(self, host: Host, run_id: str, engine_event: dict) -> None:
        """Keep the bookkeeping that places runs: which ones hold a place, which ones ended."""
        host.last[run_id] = engine_event
        if engine_event["type"] != "status":
            return
        status = engine_event["data"]["status"]
        if status in TERMINAL:
            host.last.pop(run_id, None)
            host.active.discard(run_id)
            self.host_of.pop(run_id, None)
        elif status == Status.PAUSED:
            host.active.discard(run_id)
        else:
            host.active.add(run_id)

    def _reap(self, host: Host) -> None:
        del self.hosts[host.events]
        host.process.join(JOIN_SECONDS)
        host.events.close()
        host.commands.close()
        if self.closing:
            return
        code = host.process.exitcode
        for run_id, where in host.last.items():
            self.host_of.pop(run_id, None)
            self._publish(run_id, status_event(
                Status.FAILED, f"the training process died (exit code {code}) before the run ended",
                step=where["step"], epoch=where["epoch"], time=where["time"]))
        try:
            self._start_host()
        except OSError:  # the forkserver is gone too (a signal to the whole process group, as at a shutdown):
            # the supervisor must live on, to answer stop() and to fail what the other processes host
            log.exception("could not start a scheduler process in place of one that died")

    def _publish(self, run_id: str, engine_event: dict) -> None:
        self._publish_all([(run_id, engine_event)])

    def _publish_all(self, events: list[tuple[str, dict]]) -> None:
        """Publish (run id, event)s on the event loop, in order."""
        if not events:
            return
        try:
            asyncio.run_coroutine_threadsafe(self._published(events), self.loop)
        except RuntimeError:  # the event loop is closing: the next start marks the run interrupted
            log.warning("dropped %d events of runs %s during shutdown", len(events), sorted({r for r, _ in events}))

    async def _published(self, events: list[tuple[str, dict]]) -> None:
        for run_id, engine_event in events:
            try:
                await self.bus.publish(run_id, engine_event)
            except Exception:  # noqa: BLE001 - as one event's own task would, it fails alone, not those after it
                log.exception("could not publish an event of run %s", run_id)

    def _shutdown(self) -> None:
        self.closing = True
        for host in list(self.hosts.values()):
            self._tell(host, ("close",))  # it ends at its next slice (it ignores SIGTERM: workers/local.py)
        for host in list(self.hosts.values()):
            host.process.join(JOIN_SECONDS)
            if host.process.is_alive():
                host.process.kill()
