"""Bounded requests, against a real server: a body over the limit is a 413 at once, declared or streamed, and the
server answers others meanwhile; a 422 quotes a short excerpt; huge integers are 422s, not 500s; a websocket with
a bad `after` or a long run id gets a close frame whose reason fits; the schema declares all of it."""
from __future__ import annotations

import json
import socket
import threading

import httpx
import pytest
from websockets.exceptions import ConnectionClosed

from backend.api.bounds import MAX_SEQ
from backend.api.sockets import MAX_REASON_BYTES, close_reason

LIMIT = 1024 * 1024  # PLAYGROUND_MAX_BODY_BYTES' default


def test_a_declared_body_over_the_limit_is_refused_before_it_is_sent(api):
    # Only the headers go out: the answer comes without a byte of the 100 MB body.
    with socket.create_connection(("127.0.0.1", api.server.port), timeout=30) as s:
        s.sendall(b"POST /api/v1/runs HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  b"Content-Length: 100000000\r\n\r\n")
        answer = _read_answer(s)
    status, body = answer
    assert status == 413
    assert f"at most {LIMIT} bytes" in json.loads(body)["detail"]


def test_a_streamed_body_is_refused_once_it_passes_the_limit_while_the_server_answers_others(api):
    chunk = b"x" * 65536
    with socket.create_connection(("127.0.0.1", api.server.port), timeout=30) as s:
        s.sendall(b"POST /api/v1/runs HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  b"Transfer-Encoding: chunked\r\n\r\n")
        for _ in range(8):  # half the limit in flight ...
            s.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        assert api.http.get("/health").status_code == 200  # ... and the server answers meanwhile

        def rest():  # far more than the limit; the server stops reading, so the sender may be cut off
            try:
                for _ in range(200):
                    s.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            except OSError:
                pass

        sender = threading.Thread(target=rest, daemon=True)
        sender.start()
        status, body = _read_answer(s)
    assert status == 413 and f"at most {LIMIT} bytes" in json.loads(body)["detail"]
    assert api.http.get("/health").status_code == 200


def _read_answer(s: socket.socket) -> tuple[int, bytes]:
    data = b""
    while b"\r\n\r\n" not in data:
        data += s.recv(65536)
    head, body = data.split(b"\r\n\r\n", 1)
    headers = dict(line.split(b": ", 1) for line in head.split(b"\r\n")[1:])
    length = int({k.lower(): v for k, v in headers.items()}[b"content-length"])
    while len(body) < length:
        body += s.recv(65536)
    return int(head.split()[1]), body[:length]


def test_a_422_quotes_a_short_excerpt_of_the_input(api):
    huge = "x" * 500_000
    response = api.http.post("/runs", json={"spec": {"data": {"dataset": "xor"}}, "name": huge})
    assert response.status_code == 422
    assert len(response.content) < 2000
    (problem,) = response.json()["detail"]
    assert problem["loc"] == ["body", "name"] and problem["input"].startswith("xxxx") and len(problem["input"]) <= 203

    response = api.http.post("/runs", json={"spec": {"data": {"dataset": "xor"}, "model": {"layers": [huge]}}})
    assert response.status_code == 422 and len(response.content) < 5000


@pytest.mark.parametrize("query", [f"after={MAX_SEQ + 1}", "after=99999999999999999999999999", "after=-1"])
def test_a_seq_out_of_range_is_a_422(api, query):
    run = api.submit({"data": {"dataset": "xor", "n_samples": 50}, "train": {"epochs": 1}})
    response = api.http.get(f"/runs/{run['id']}/events?{query}")
    assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["query", "after"]


@pytest.mark.parametrize("query", ["offset=99999999999999999999999", "limit=99999999999999999999999"])
def test_huge_list_parameters_are_422s_not_500s(api, query):
    assert api.http.get(f"/runs?{query}").status_code == 422


def _closed(api, run_id: str, after) -> ConnectionClosed:
    with api.stream(run_id, after=after) as ws:
        with pytest.raises(ConnectionClosed) as closed:
            ws.recv(timeout=30)
    return closed.value


@pytest.mark.parametrize("after", [MAX_SEQ + 1, 10**40, "abc"])
def test_a_websocket_with_a_bad_after_gets_a_close_frame_with_a_reason(api, after):
    run = api.submit({"data": {"dataset": "xor", "n_samples": 50}, "train": {"epochs": 1}})
    closed = _closed(api, run["id"], after)
    assert closed.rcvd is not None and closed.rcvd.code == 1008
    assert "after" in closed.rcvd.reason


@pytest.mark.parametrize("run_id", ["x" * 300, "é" * 200])
def test_a_long_run_id_closes_with_4404_and_a_reason_that_fits_a_control_frame(api, run_id):
    closed = _closed(api, run_id, 0)
    assert closed.rcvd is not None and closed.rcvd.code == 4404
    assert closed.rcvd.reason.startswith("no run ") and len(closed.rcvd.reason.encode()) <= MAX_REASON_BYTES


def test_close_reason_cuts_between_characters():
    assert close_reason("short") == "short"
    cut = close_reason("€" * 100)
    assert len(cut.encode()) <= MAX_REASON_BYTES and cut.endswith("...") and set(cut[:-3]) == {"€"}


def test_the_schema_declares_the_bounds_and_every_answer(api):
    document = httpx.get(api.server.base_url + "/openapi.json").json()
    paths = document["paths"]
    events = paths["/api/v1/runs/{run_id}/events"]["get"]
    (after,) = [p for p in events["parameters"] if p["name"] == "after"]
    assert after["schema"]["minimum"] == 0 and after["schema"]["maximum"] == MAX_SEQ
    listing = {p["name"]: p["schema"] for p in paths["/api/v1/runs"]["get"]["parameters"]}
    assert all("maximum" in listing[name] for name in ("limit", "offset"))
    create = paths["/api/v1/runs"]["post"]["responses"]
    assert {"201", "400", "409", "413", "422", "429", "503"} <= set(create)
    assert "Retry-After" in create["429"]["headers"]
    assert "404" in events["responses"] and "409" in paths["/api/v1/runs/{run_id}/control"]["post"]["responses"]


def test_a_405_names_every_method_of_the_path(api):
    response = api.http.request("OPTIONS", "/runs/abc")
    assert response.status_code == 405
    assert set(response.headers["allow"].split(", ")) == {"GET", "HEAD", "PATCH", "DELETE"}


def test_an_api_path_never_falls_through_to_the_page(api):
    """The page is mounted at / (frontend/dist is built for the tests): a GET of a POST-only route matches
    it fully where the router matched only the path, yet it is the API's 405, and an unknown API path a 404."""
    page = httpx.get(api.server.base_url + "/")
    assert page.status_code == 200 and "<html" in page.text.lower()
    wrong_method = api.http.get("/auth/token")
    assert wrong_method.status_code == 405 and set(wrong_method.headers["allow"].split(", ")) == {"POST", "DELETE"}
    unknown = api.http.get("/no-such-route")
    assert unknown.status_code == 404 and unknown.json() == {"detail": "Not Found"}


def test_a_float_tensor_leaves_min_and_max_out(api):
    preview = api.http.post("/data/preview", json={"data": {"dataset": "xor", "n_samples": 50}}).json()
    points = preview["train"]["points"]
    assert points["dtype"] == "float32" and "min" not in points and "max" not in points
