"""A training process of the embedded runner: one scheduler hosting many runs.

The parent sends it messages down one pipe: ("submit", run_id, spec_json, early messages),
("control", run_id, message) or ("close",); it sends (None, READY) up the other, then lists of the
(run_id, event) pairs its loop emitted (one message a turn, or every few milliseconds, not one an event:
a class's thousands of events a second cost both sides a pickle and a system call each otherwise). Sending is
synchronous, so a process that dies leaves nothing half-sent, and the parent sees end-of-file on the
pipe (and fails every run it hosted). A run that raises ends `failed` alone (workers/scheduler.py).
"""
from __future__ import annotations

import queue
import signal
import threading
import time
from multiprocessing.connection import Connection

from .config import Slice
from .scheduler import Scheduler

READY = "ready"  # the first thing a host sends: it has imported everything and listens
HOLD_SECONDS = 0.005  # the longest an emitted event waits for the others of its turn


def host_runs(device: str, active_limit: int, budget: Slice, batch_limit: int, commands: Connection,
              events: Connection) -> None:
    import torch

    # Our life is the parent's to end (a close message, or the end of its pipe when it dies): Ctrl-C or a
    # SIGTERM to the whole process group must not kill us under it, nor set it starting others in our place
    # while it shuts down.
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, signal.SIG_IGN)

    torch.set_num_threads(1)  # one process per core: tiny networks only lose time to thread hand-offs
    outbox = Outbox(events)
    scheduler = Scheduler(outbox.emit, device, active_limit, budget, batch_limit)
    inbox: queue.SimpleQueue = queue.SimpleQueue()
    # A thread keeps the command pipe drained, so that the parent never blocks sending us a message while we
    # block sending it events (each side waiting on the other would stop both).
    threading.Thread(target=_read_commands, args=(commands, inbox), name="commands", daemon=True).start()
    events.send((None, READY))
    try:
        while True:
            # Between slices, take every message that came; with nothing to train, sleep until one does.
            while not scheduler.busy or not inbox.empty():
                message = inbox.get()
                if message[0] == "submit":
                    scheduler.submit(*message[1:])
                elif message[0] == "control":
                    scheduler.control(*message[1:])  # a live `set` may draw a frame at once
                else:
                    return
                outbox.flush()
            scheduler.tick()
            outbox.flush()
    finally:
        events.close()


class Outbox:
    """The events emitted, sent up as one message at the end of each turn, or sooner once the oldest has
    waited HOLD_SECONDS (a turn that starts many runs draws each one's first frame: those must not wait
    for all the others')."""

    def __init__(self, events: Connection):
        self.events, self.held, self.since = events, [], 0.0

    def emit(self, run_id: str, event: dict) -> None:
        if not self.held:
            self.since = time.monotonic()
        self.held.append((run_id, event))
        if time.monotonic() - self.since >= HOLD_SECONDS:
            self.flush()

    def flush(self) -> None:
        if self.held:
            self.events.send(self.held)
            self.held = []


def _read_commands(commands: Connection, inbox: queue.SimpleQueue) -> None:
    try:
        while True:
            inbox.put(commands.recv())
    except (EOFError, OSError):
        inbox.put(("close",))  # the parent has gone
