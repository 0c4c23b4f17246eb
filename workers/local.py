"""A training process of the embedded runner: one scheduler hosting many runs.

The parent sends it messages down one pipe: ("submit", run_id, spec_json, early messages),
("control", run_id, message) or ("close",); it sends (None, READY) up the other, then lists of the
(run_id, event) pairs each turn of its loop emitted (one message a slice, not one an event: a class's
thousands of events a second cost both sides a pickle and a system call each otherwise). Sending is
synchronous, so a process that dies leaves nothing half-sent, and the parent sees end-of-file on the
pipe (and fails every run it hosted). A run that raises ends `failed` alone (workers/scheduler.py).
"""
from __future__ import annotations

import queue
import signal
import threading
from multiprocessing.connection import Connection

from .config import Slice
from .scheduler import Scheduler

READY = "ready"  # the first thing a host sends: it has imported everything and listens


def host_runs(device: str, active_limit: int, budget: Slice, batch_limit: int, commands: Connection,
              events: Connection) -> None:
    import torch

    # Our life is the parent's to end (a close message, or the end of its pipe when it dies): Ctrl-C or a
    # SIGTERM to the whole process group must not kill us under it, nor set it starting others in our place
    # while it shuts down.
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, signal.SIG_IGN)

    torch.set_num_threads(1)  # one process per core: tiny networks only lose time to thread hand-offs
    emitted: list[tuple[str, dict]] = []  # this turn's events, sent together at its end
    scheduler = Scheduler(lambda run_id, event: emitted.append((run_id, event)), device, active_limit, budget,
                          batch_limit)
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
                _flush(emitted, events)
            scheduler.tick()
            _flush(emitted, events)
    finally:
        events.close()


def _flush(emitted: list, events: Connection) -> None:
    if emitted:
        events.send(emitted.copy())
        emitted.clear()


def _read_commands(commands: Connection, inbox: queue.SimpleQueue) -> None:
    try:
        while True:
            inbox.put(commands.recv())
    except (EOFError, OSError):
        inbox.put(("close",))  # the parent has gone
