"""How many viewers one run and one client may have at once, counted in this API process.

A cap keeps one crowd (a thousand tabs on one run, a script opening sockets in a loop) from taking the
server's event loop from everyone else; the viewer turned away is told why and when to come back (the
websocket's close code 1013, "try again later").
"""
from __future__ import annotations

from collections import Counter
from contextlib import contextmanager
from typing import Hashable, Iterator


class TooManyViewers(Exception):
    """Said to the viewer turned away: which cap it met."""


class ViewerLimits:
    def __init__(self, per_run: int, per_client: int):
        self.per_run, self.per_client = per_run, per_client
        self.runs: Counter[str] = Counter()
        self.clients: Counter[Hashable] = Counter()

    @contextmanager
    def admitted(self, run_id: str, client: Hashable) -> Iterator[None]:
        """Count a viewer of `run_id` from `client` while it watches; TooManyViewers if a cap is full."""
        if self.runs[run_id] >= self.per_run:
            raise TooManyViewers(f"this run has {self.per_run} viewers, the most it may have; try again later")
        if self.clients[client] >= self.per_client:
            raise TooManyViewers(f"you have {self.per_client} streams open, the most one client may; close one")
        self.runs[run_id] += 1
        self.clients[client] += 1
        try:
            yield
        finally:
            for counter, key in ((self.runs, run_id), (self.clients, client)):
                counter[key] -= 1
                if not counter[key]:
                    del counter[key]  # nobody left: no entry kept for every run ever watched
