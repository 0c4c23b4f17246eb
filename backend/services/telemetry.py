"""What GET /metrics tells an operator, in Prometheus' terms (prometheus_client), every name `playground_`.

One registry per app, not the library's global one: an app built twice in one process (the tests) counts
apart. In distributed mode each API process counts its own requests, viewers and recorded events, which
Prometheus sums over the processes it scrapes; the runs by status come from the database, the same for all.
docs/api.md lists the metrics and what each counts.
"""
from __future__ import annotations

import json
import collections

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, disable_created_metrics, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from workers.engine.status import TERMINAL, Status

from ..events import Event

CONTENT_TYPE = CONTENT_TYPE_LATEST
# Seconds: a read of a run is milliseconds, a submission or a database under load up to seconds.
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class Telemetry:
    def __init__(self):
        disable_created_metrics()  # no `_created` twin of every counter: its start time says nothing here
        self.registry = registry = CollectorRegistry()
        self.requests = Counter("playground_requests", "HTTP requests answered, by method, route template and status",
                                ["method", "route", "status"], registry=registry)
        self.latency = Histogram("playground_request_duration_seconds", "Time to answer an HTTP request",
                                 ["method", "route"], buckets=LATENCY_BUCKETS, registry=registry)
        self.viewers = Gauge("playground_active_viewers", "Open websockets: run streams and class walls",
                             ["route"], registry=registry)
        self.sent = Counter("playground_events_sent", "Run events sent to websocket viewers, by event type "
                            "(events per second: rate() of it)", ["type"], registry=registry)
        self.recorded = Counter("playground_events_recorded", "Run events the recorder received, by event type",
                                ["type"], registry=registry)
        self.epochs = Counter("playground_training_epochs", "Epochs trained over all runs, from their metrics "
                              "events (training rate: rate() of it)", registry=registry)
        self.finished = Counter("playground_runs_finished", "Runs that ended, by final status", ["status"],
                                registry=registry)
        self.runs = Gauge("playground_runs", "Runs stored, by status (read from the database at each scrape)",
                          ["status"], registry=registry)
        self.queue = Gauge("playground_queue_length", "Runs waiting for a worker (status queued)", registry=registry)
        self.scrape_errors = Counter("playground_scrape_errors", "Scrapes that could not read the database",
                                     registry=registry)
        for status in Status:  # every status present from the first scrape, 0 until a run has it
            self.runs.labels(status.value)
        self.epoch_of: dict[str, float] = {}  # each running run's furthest epoch reported
        self.sent_by_kind: dict = {}  # event type -> its child of `sent`

    def recorded_batch(self, batch: list[Event]) -> None:
        """The recorder got these events (each one once, in either mode): count them, their epochs, their ends.
        Counted by kind first, one increment a kind a batch: a class's batches hold thousands of events."""
        for kind, count in collections.Counter(kind_of(event.type) for event in batch).items():
            self.recorded.labels(kind).inc(count)
        for event in batch:
            if event.type == "metrics" and event.json is not None:
                epoch = float(json.loads(event.json).get("epoch", 0.0))
                before = self.epoch_of.get(event.run_id, 0.0)
                if epoch > before:  # a retried batch or a new attempt from epoch 0 adds nothing twice
                    self.epochs.inc(epoch - before)
                    self.epoch_of[event.run_id] = epoch
            elif event.type == "status" and (status := event.status) in TERMINAL:
                self.finished.labels(status).inc()
                self.epoch_of.pop(event.run_id, None)

    def sent_event(self, kind: str) -> None:
        # One per event each viewer is sent: the labelled child is looked up once per kind, not each time.
        if (child := self.sent_by_kind.get(kind)) is None:
            child = self.sent_by_kind[kind] = self.sent.labels(kind_of(kind))
        child.inc()

    def exposition(self, runs_by_status: dict[str, int] | None) -> bytes:
        """The text exposition, with the run gauges set from `runs_by_status` (None: the database is away)."""
        if runs_by_status is None:
            self.scrape_errors.inc()
        else:
            for status in Status:
                self.runs.labels(status.value).set(runs_by_status.get(status.value, 0))
            self.queue.set(runs_by_status.get(Status.QUEUED.value, 0))
        return generate_latest(self.registry)


def kind_of(event_type: str) -> str:
    """An event's kind: Redis carries a per-probe visual as its slot (`feature_maps:2`), memory as its kind."""
    return event_type.partition(":")[0]
