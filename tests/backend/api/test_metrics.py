"""GET /metrics: the Prometheus exposition, parsed by prometheus_client's own parser, changing as runs go."""
from __future__ import annotations

import httpx
from prometheus_client.parser import text_string_to_metric_families

import pytest

from tests.classroom import new_instructor
from tests.support import Api, Server, status_is, wait_until

TINY = {"data": {"dataset": "xor", "n_samples": 60}, "model": {"layers": [{"type": "dense", "units": 3}]},
        "train": {"epochs": 4, "seed": 5}, "stream": {"max_fps": 5}}
LONG = {**TINY, "train": {"epochs": 100000}}


@pytest.fixture(scope="module")
def quiet_server(tmp_path_factory):
    """A server of these tests' own: the counters are the whole server's, and the shared one trains other
    tests' runs meanwhile."""
    server = Server(tmp_path_factory.mktemp("metrics")).start()
    yield server
    server.stop()


def scrape(server: Server, **kwargs) -> dict[tuple[str, tuple], float]:
    """{(sample name, sorted labels): value} of one scrape."""
    response = httpx.get(server.base_url + "/metrics", timeout=30, **kwargs)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(response.text) for s in family.samples}


def value(samples, name: str, **labels) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_metrics_count_requests_runs_events_and_epochs(quiet_server):
    live_server, api = quiet_server, Api(quiet_server)
    before = scrape(live_server)
    assert all(name.startswith("playground_") for name, _ in before)
    run = api.submit(TINY)
    events = api.all_events(run["id"])
    after = scrape(live_server)

    assert value(after, "playground_requests_total", method="POST", route="/api/v1/runs", status="201") == \
        value(before, "playground_requests_total", method="POST", route="/api/v1/runs", status="201") + 1
    assert value(after, "playground_request_duration_seconds_count", method="POST", route="/api/v1/runs") > \
        value(before, "playground_request_duration_seconds_count", method="POST", route="/api/v1/runs")
    assert value(after, "playground_runs", status="succeeded") == value(before, "playground_runs",
                                                                       status="succeeded") + 1
    assert value(after, "playground_training_epochs_total") == value(before, "playground_training_epochs_total") + 4
    assert value(after, "playground_runs_finished_total", status="succeeded") == \
        value(before, "playground_runs_finished_total", status="succeeded") + 1
    for kind in ("status", "metrics"):
        sent = sum(1 for e in events if e["type"] == kind)
        assert value(after, "playground_events_sent_total", type=kind) == \
            value(before, "playground_events_sent_total", type=kind) + sent
    assert ("playground_queue_length", ()) in after

    # a raw path is never a label: an unknown run counts under its route's template
    assert httpx.get(f"{live_server.base_url}/api/v1/runs/no-such-run").status_code == 404
    later = scrape(live_server)
    assert value(later, "playground_requests_total", method="GET", route="/api/v1/runs/{run_id}", status="404") >= 1
    assert not any("no-such-run" in str(labels) for _, labels in later)


def test_an_open_stream_is_an_active_viewer(live_server, api):
    route = "/api/v1/runs/{run_id}/stream"
    run = api.submit(LONG)
    with api.stream(run["id"]) as ws:
        api.events_until(ws, lambda e: e["type"] == "metrics")
        watching = scrape(live_server)
        assert value(watching, "playground_active_viewers", route=route) == 1
        assert value(watching, "playground_runs", status="running") >= 1
        assert api.control(run["id"], "stop").status_code == 202
        api.events_until(ws, status_is("cancelled"))
    # the server closed it after the end; its handler finishes a moment after the client hears the close
    wait_until(lambda: value(scrape(live_server), "playground_active_viewers", route=route) == 0,
               what="the viewer to be gone")


def test_with_accounts_metrics_need_an_admin_or_the_scrape_token(tmp_path):
    server = Server(tmp_path / "data", PLAYGROUND_AUTH="accounts", PLAYGROUND_METRICS_TOKEN="scrape-secret").start()
    try:
        assert httpx.get(server.base_url + "/metrics").status_code == 401
        wrong = httpx.get(server.base_url + "/metrics", headers={"Authorization": "Bearer not-it"})
        assert wrong.status_code == 401
        samples = scrape(server, headers={"Authorization": "Bearer scrape-secret"})
        assert value(samples, "playground_requests_total", method="GET", route="/metrics", status="401") == 2
    finally:
        server.stop()


def test_with_accounts_metrics_are_an_admins(accounts_server):
    assert httpx.get(accounts_server.base_url + "/metrics").status_code == 401
    instructor = new_instructor(accounts_server)
    refused = httpx.get(accounts_server.base_url + "/metrics", headers={"Authorization": f"Bearer {instructor.token}"})
    assert refused.status_code == 403
    admin = new_instructor(accounts_server, role="admin")
    assert ("playground_queue_length", ()) in scrape(accounts_server,
                                                     headers={"Authorization": f"Bearer {admin.token}"})
