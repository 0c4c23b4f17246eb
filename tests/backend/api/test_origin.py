"""Every websocket route refuses a handshake from another site's page (Origin not the server's own): 403, even with
the student's session cookie, which a browser would send along; the server's own pages and clients that send no
Origin (scripts, the CLI) connect. The routes come from the app itself, so a websocket added later is walked too."""
from __future__ import annotations

import re

import pytest
from fastapi.routing import iter_route_contexts
from starlette.datastructures import Headers
from starlette.routing import WebSocketRoute
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from backend.api.origin import foreign_origin
from backend.app import create_app
from backend.settings import Settings
from tests.classroom import join, new_class, new_instructor

UNKNOWN = "0" * 32
FOREIGN = "https://games.example"
REFUSED_FOR_ORIGIN = "may not open this server's websockets"


def websocket_paths() -> list[str]:
    """Every websocket route of the app, its path parameters filled with an unknown id."""
    routes = [c.path for c in iter_route_contexts(create_app(Settings()).routes)  # included routers flattened
              if isinstance(c.original_route, WebSocketRoute)]
    assert "/api/v1/runs/{run_id}/stream" in routes
    return [re.sub(r"\{[^}]+\}", UNKNOWN, path) for path in routes]


def handshake(url: str, origin: str | None, cookie: str | None = None) -> tuple[int, str]:
    """(101, "") when the server accepted the websocket, else the refusal's HTTP status and body."""
    headers = {"Cookie": f"playground_session={cookie}"} if cookie else None
    try:
        with connect(url, origin=origin, additional_headers=headers, open_timeout=30, proxy=None):
            return 101, ""
    except InvalidStatus as refused:
        return refused.response.status_code, refused.response.body.decode(errors="replace")


@pytest.fixture(scope="module")
def student(accounts_server):
    code = new_class(new_instructor(accounts_server))["join_code"]
    return join(accounts_server, code, "Robin")


@pytest.mark.parametrize("path", websocket_paths())
def test_a_foreign_page_cannot_open_any_websocket(accounts_server, student, path):
    url = f"ws://127.0.0.1:{accounts_server.port}{path}"
    own = f"http://127.0.0.1:{accounts_server.port}"
    for origin in (FOREIGN, "null", f"http://127.0.0.1:{accounts_server.port + 1}", f"https://evil.{own[7:]}"):
        status, body = handshake(url, origin, cookie=student.token)
        assert status == 403 and REFUSED_FOR_ORIGIN in body and origin in body, (path, origin, status, body)
    for origin in (own, None):  # the server's own page, and a script: not refused for their origin
        status, body = handshake(url, origin, cookie=student.token)
        assert status == 101 or REFUSED_FOR_ORIGIN not in body, (path, origin, status, body)


def test_the_own_page_and_a_script_read_a_stream_a_foreign_page_cannot(live_server, api):
    run = api.submit({"data": {"dataset": "xor", "n_samples": 100}, "model": {"layers": [{"units": 2}]},
                      "train": {"epochs": 2}})
    url = f"{live_server.ws_url}/runs/{run['id']}/stream"
    assert handshake(url, FOREIGN)[0] == 403
    for origin in (live_server.base_url, None):
        with connect(url, origin=origin, open_timeout=30, proxy=None, max_size=None) as ws:
            assert '"type":"status"' in ws.recv(timeout=60)


def test_allowed_origins_and_the_host_decide():
    allowed = frozenset({"https://class.example.org"})
    def check(origin, host="10.0.0.5:8000"):  # noqa: E306
        return foreign_origin(Headers({"origin": origin, "host": host} if origin else {"host": host}), allowed)
    assert check(None) is None
    assert check("https://class.example.org") is None  # behind a proxy that sends its own Host
    assert check("http://10.0.0.5:8000") is None and check("https://10.0.0.5:8000") is None
    assert check("http://10.0.0.5:8001") == "http://10.0.0.5:8001"
    assert check("https://class.example.org.evil.example") == "https://class.example.org.evil.example"
    assert Settings(allowed_origins="https://a.example/, http://b.example:5173").allowed_origins == \
        ["https://a.example", "http://b.example:5173"]
