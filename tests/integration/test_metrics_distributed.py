"""GET /metrics in distributed mode: the API's recorder counts what the Celery workers train, through Redis."""
from __future__ import annotations

import json
import signal

from tests.backend.api.test_metrics import scrape, value
from tests.integration.cluster import Worker
from tests.support import wait_until

SMALL = {"data": {"dataset": "xor", "n_samples": 100}, "model": {"layers": [{"units": 4}]},
         "train": {"epochs": 6}, "stream": {"max_fps": 20}}


def test_metrics_count_a_distributed_run(cluster):
    api, server = cluster["api"], cluster["server"]
    before = scrape(server)
    run = api.submit(SMALL)
    events = api.all_events(run["id"], timeout=300)
    after = scrape(server)
    assert events[-1]["data"]["status"] == "succeeded"
    assert value(after, "playground_training_epochs_total") == value(before, "playground_training_epochs_total") + 6
    assert value(after, "playground_runs", status="succeeded") == value(before, "playground_runs",
                                                                       status="succeeded") + 1
    assert value(after, "playground_events_sent_total", type="metrics") == \
        value(before, "playground_events_sent_total", type="metrics") + 6
    assert value(after, "playground_requests_total", method="POST", route="/api/v1/runs", status="201") >= 1


def test_a_worker_logs_json_lines(cluster):
    """PLAYGROUND_LOG_FORMAT=json: Celery's records as JSON lines, and no banner of plain text."""
    log = cluster["dir"] / "json-worker.log"
    worker = Worker(log, {**cluster["env"], "PLAYGROUND_LOG_FORMAT": "json"})
    try:
        wait_until(lambda: "ready." in log.read_text(), timeout=120, what="the worker to be ready")
    finally:
        worker.kill(signal.SIGTERM)
    entries = [json.loads(line) for line in log.read_text().splitlines() if line.strip().startswith("{")]
    plain = [line for line in log.read_text().splitlines() if line.strip() and not line.startswith("{")]
    assert any(e["logger"] == "celery.apps.worker" and e["message"].endswith("ready.") for e in entries)
    assert not any("[queues]" in line or "[config]" in line for line in plain)  # the banner is gone
