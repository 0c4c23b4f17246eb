"""Submit a run and watch it over a real websocket: gapless, replayable, closed after the end."""
from __future__ import annotations

from contextlib import ExitStack

import pytest
from websockets.exceptions import ConnectionClosed

from workers.engine.events import decode

from tests.support import Api, Server, is_terminal, wait_until

XOR = {"data": {"dataset": "xor", "n_samples": 200}, "model": {"layers": [{"units": 4}]},
       "train": {"epochs": 15}, "stream": {"max_fps": 60}}


def test_stream_delivers_every_event_in_order_and_closes_after_the_end(api):
    run = api.submit(XOR, name="xor")
    assert run["status"] == "queued" and run["name"] == "xor" and run["attempt"] == 1
    events = api.all_events(run["id"])

    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))  # from 1, no gaps
    statuses = [e["data"]["status"] for e in events if e["type"] == "status"]
    assert statuses == ["queued", "running", "succeeded"]
    assert is_terminal(events[-1])
    metrics = [e for e in events if e["type"] == "metrics"]
    assert [m["epoch"] for m in metrics] == [float(i) for i in range(1, 16)]
    assert set(metrics[-1]["data"]["grad_norms"]) == {"dense1", "output"}
    assert metrics[-1]["data"]["test_accuracy"] > 0.8

    frame = [e for e in events if e["type"] == "boundary"][-1]["data"]
    assert decode(frame["output"]).shape == (64, 64)
    assert [(n["layer"], n["unit"]) for n in frame["neurons"]] == [(0, u) for u in range(4)]
    assert [decode(w).shape for w in frame["weights"]] == [(4, 2), (1, 4)]

    stored = api.run(run["id"])  # the stream closes only once the result is stored
    assert stored["status"] == "succeeded" and stored["finished_at"] and stored["device"] == "cpu"
    assert stored["summary"]["test_accuracy"] == metrics[-1]["data"]["test_accuracy"]


def test_replay_after_a_seq_returns_exactly_the_rest(api):
    run = api.submit(XOR)
    everything = api.all_events(run["id"])
    middle = everything[len(everything) // 2]["seq"]
    rest = api.all_events(run["id"], after=middle)
    assert [e["seq"] for e in rest] == [e["seq"] for e in everything if e["seq"] > middle]
    assert rest == [e for e in everything if e["seq"] > middle]


def test_stored_events_and_metric_history(api):
    run = api.submit(XOR)
    events = api.all_events(run["id"])
    history = api.http.get(f"/runs/{run['id']}/metrics").json()
    streamed = [e for e in events if e["type"] == "metrics"]
    assert history["epoch"] == [e["epoch"] for e in streamed]
    assert history["train_loss"] == [e["data"]["train_loss"] for e in streamed]
    assert history["grad_norms"]["dense1"] == [e["data"]["grad_norms"]["dense1"] for e in streamed]

    stored = api.http.get(f"/runs/{run['id']}/events", params={"after": 0}).json()
    kinds = {e["type"] for e in stored}
    assert {"status", "metrics", "boundary", "dataset", "confusion"} <= kinds
    assert sum(e["type"] == "boundary" for e in stored) == 1  # only the last frame is kept
    assert stored[-1] == events[-1]


def test_unknown_run_closes_the_socket_with_4404(api):
    from websockets.exceptions import ConnectionClosed
    import pytest

    with api.stream("nosuchrun") as ws:
        with pytest.raises(ConnectionClosed) as closed:
            ws.recv(timeout=10)
    assert closed.value.rcvd.code == 4404


def test_websockets_are_not_compressed_unless_the_setting_says_so(api, tmp_path):
    """permessage-deflate costs the server about as much CPU a frame as the rest of relaying it
    (settings.websocket_compression): off by default, though the client offers it."""
    run = api.submit(XOR)
    with api.stream(run["id"]) as ws:
        assert ws.protocol.extensions == []
    compressed = Server(tmp_path / "data", PLAYGROUND_WEBSOCKET_COMPRESSION="true").start()
    try:
        other = Api(compressed)
        with other.stream(other.submit(XOR)["id"]) as ws:
            assert [type(e).__name__ for e in ws.protocol.extensions] == ["PerMessageDeflate"]
    finally:
        compressed.stop()


@pytest.fixture(scope="module")
def small_limits(tmp_path_factory):
    """A server of small viewer caps and a small snapshot, so the tests of them need no crowd and no long run."""
    server = Server(tmp_path_factory.mktemp("limits"), PLAYGROUND_MAX_VIEWERS_PER_RUN="2",
                    PLAYGROUND_MAX_VIEWERS_PER_CLIENT="3", PLAYGROUND_SNAPSHOT_METRICS="20").start()
    yield Api(server)
    server.stop()


def test_viewers_beyond_a_runs_or_a_clients_cap_are_told_to_try_again_later(small_limits):
    """One more viewer than a run may have, or than one client may have open, is closed with 1013 and the
    cap it met; a viewer leaving makes room again."""
    capped = small_limits
    long_run = {**XOR, "train": {"epochs": 100_000}}
    first, second = capped.submit(long_run), capped.submit(long_run)

    def refused(run_id: str) -> tuple[int, str]:
        with capped.stream(run_id) as ws, pytest.raises(ConnectionClosed) as closed:
            ws.recv(timeout=30)
        return closed.value.rcvd.code, closed.value.rcvd.reason

    try:
        with ExitStack() as watching:
            for run_id in (first["id"], first["id"], second["id"]):
                watching.enter_context(capped.stream(run_id)).recv(timeout=30)  # its first event: it was let in
            assert refused(first["id"]) == (1013, "this run has 2 viewers, the most it may have; try again later")
            assert refused(second["id"]) == (1013, "you have 3 streams open, the most one client may; close one")
        # The ones that left made room, once the server has seen them go (their close reaches it a moment later).
        for run_id in (first["id"], second["id"]):
            wait_until(lambda run_id=run_id: _admitted(capped, run_id), what="a viewer let in after the others left")
    finally:
        for run in (first, second):
            capped.control(run["id"], "stop")


def _admitted(api: Api, run_id: str) -> bool:
    with api.stream(run_id) as ws:
        try:
            ws.recv(timeout=30)
            return True
        except ConnectionClosed:
            return False


def test_a_snapshot_viewer_of_a_long_run_gets_its_curve_thinned_one_frame_and_then_every_epoch(small_limits):
    """Over a real websocket: of what was stored when it came (seq up to `head`), a snapshot viewer is sent at most
    PLAYGROUND_SNAPSHOT_METRICS + 1 metrics events, the first epoch among them, and one boundary frame; then
    the run goes on live from the snapshot's last seq, every epoch's metrics with none left out or sent twice."""
    api = small_limits
    run = api.submit({**XOR, "train": {"epochs": 100_000}})
    try:
        wait_until(lambda: len(api.http.get(f"/runs/{run['id']}/metrics").json().get("epoch", [])) > 80,
                   what="80 epochs stored")
        head = api.http.get(f"/runs/{run['id']}/events").json()[-1]["seq"]
        with api.stream_snapshot(run["id"]) as ws:
            seen = api.events_until(ws, lambda e: e["type"] == "metrics" and e["seq"] > head and e["epoch"] >= 120)
    finally:
        api.control(run["id"], "stop")
    stored = [e for e in seen if e["seq"] <= head]
    assert len([e for e in stored if e["type"] == "metrics"]) <= 21
    assert len([e for e in stored if e["type"] == "boundary"]) <= 1
    assert [e["seq"] for e in seen] == sorted({e["seq"] for e in seen})
    epochs = [e["epoch"] for e in seen if e["type"] == "metrics"]
    assert epochs[0] == 1.0 and epochs[1] > 2.0  # the curve from its start, thinned
    live = next(i for i in range(len(epochs) - 1) if epochs[i + 1] == epochs[i] + 1)
    assert epochs[live:] == [float(e) for e in range(int(epochs[live]), int(epochs[-1]) + 1)]  # then every epoch
