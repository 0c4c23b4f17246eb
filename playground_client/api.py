"""Client and Run: the REST API and the run stream of one server, as Python objects.

`Client(server, token).submit(spec)` queues a run and answers a `Run`; `Run.watch()` follows its event
stream (a progress bar by default) to the end and answers the run as it finished.
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Callable, Iterator
from urllib.parse import quote

import httpx

DEFAULT_SERVER = "http://127.0.0.1:8000"
API = "/api/v1"
TERMINAL = ("succeeded", "failed", "cancelled")
CLOSE_UNAUTHORIZED, CLOSE_NOT_FOUND = 4401, 4404  # the server's websocket close codes (backend/api)
RECONNECTS = 5  # times a watch opens the stream again after it broke off before the run's end


class ApiError(Exception):
    """The server refused a request: `status` is the HTTP status, `detail` FastAPI's detail (a text, or for a
    422 a list of {"loc", "msg", "type"}); `problems` names each invalid field as a dotted path and why."""

    def __init__(self, status: int, detail: Any, what: str = ""):
        self.status, self.detail, self.what = status, detail, what
        super().__init__(self.message)

    @property
    def problems(self) -> list[tuple[str, str]]:
        """(field path, why) for a 422: `spec.train.epochs`, `Input should be greater than 0`."""
        if not isinstance(self.detail, list):
            return []
        return [(field_path(item.get("loc", [])), str(item.get("msg", ""))) for item in self.detail
                if isinstance(item, dict)]

    @property
    def message(self) -> str:
        if self.problems:
            return "invalid request:\n" + "\n".join(f"  {path}: {why}" for path, why in self.problems)
        prefix = f"{self.what}: " if self.what else ""
        return f"{prefix}{self.status} {self.detail}"


class Unreachable(Exception):
    """The server could not be reached (not running, wrong --server, a network between)."""


def field_path(loc: list) -> str:
    """FastAPI's loc (["body", "spec", "model", "layers", 0, "units"]) as the field a person wrote:
    spec.model.layers[0].units."""
    parts = list(loc[1:] if loc and loc[0] == "body" else loc)
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(the body)"


def spec_of(spec: Any) -> dict:
    """A spec as a dict: a dict as it is, a path of a JSON file read, a pydantic model dumped."""
    if isinstance(spec, (str, Path)):
        return json.loads(Path(spec).read_text())
    if hasattr(spec, "model_dump"):
        return spec.model_dump(mode="json")
    if isinstance(spec, dict):
        return spec
    raise TypeError(f"a spec is a dict, a JSON file's path or a pydantic model, not {type(spec).__name__}")


class Client:
    """One server. `server` defaults to $PLAYGROUND_SERVER or http://127.0.0.1:8000, `token` (a server with
    accounts: POST /api/v1/auth/token) to $PLAYGROUND_TOKEN."""

    def __init__(self, server: str | None = None, token: str | None = None, timeout: float = 30.0):
        self.server = (server or os.environ.get("PLAYGROUND_SERVER") or DEFAULT_SERVER).rstrip("/")
        self.token = token if token is not None else os.environ.get("PLAYGROUND_TOKEN") or None
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        self.http = httpx.Client(base_url=self.server + API, timeout=timeout, headers=headers)

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.http.close()

    def request(self, method: str, path: str, what: str = "", **kwargs) -> httpx.Response:
        try:
            response = self.http.request(method, path, **kwargs)
        except httpx.TransportError as error:
            raise Unreachable(f"cannot reach {self.server}: {error}") from None
        if response.status_code >= 400:
            try:
                detail = response.json().get("detail", response.text)
            except (ValueError, AttributeError):
                detail = response.text
            raise ApiError(response.status_code, detail, what)
        return response

    def submit(self, spec: Any, name: str | None = None, **extra) -> "Run":
        """Queue a run of `spec` (a dict, a JSON file's path or a pydantic Spec); `extra` goes into the body
        as it is (`assignment=ID`). An invalid spec raises ApiError 422 naming each field."""
        body = {"spec": spec_of(spec), **({"name": name} if name else {}), **extra}
        return Run(self, self.request("POST", "/runs", "submit", json=body).json())

    def run(self, run_id: str) -> "Run":
        return Run(self, self.request("GET", f"/runs/{quote(run_id)}", f"run {run_id}").json())

    def runs(self, status: str | None = None, limit: int = 100) -> list["Run"]:
        params = {"limit": limit, **({"status": status} if status else {})}
        return [Run(self, data) for data in self.request("GET", "/runs", "runs", params=params).json()]

    def export(self, run_id: str, format: str = "pytorch") -> tuple[bytes, str | None]:
        """The run's model in `format` (pytorch, state_dict, onnx, script...): its bytes and the file name the
        server suggests. 404: no such run (or a server without exports); 409: no final weights yet."""
        response = self.request("GET", f"/runs/{quote(run_id)}/export", f"export of run {run_id}",
                                params={"format": format})
        return response.content, suggested_name(response.headers.get("content-disposition", ""))

    def control(self, run_id: str, action: str, **extra) -> None:
        self.request("POST", f"/runs/{quote(run_id)}/control", f"{action} run {run_id}",
                     json={"action": action, **extra})

    def events(self, run_id: str, after: int = 0, timeout: float | None = None) -> Iterator[dict]:
        """Every event of the run after seq `after`, stored ones first, then live, until its terminal status;
        a stream that breaks off before then is opened again after the last seq seen."""
        from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus, InvalidURI
        from websockets.sync.client import connect

        last, tries = after, 0
        while True:
            url = self.stream_url(run_id, last)
            headers = {"Authorization": f"Bearer {self.token}"} if self.token else None
            try:
                with connect(url, max_size=None, additional_headers=headers, open_timeout=timeout or 30) as socket:
                    tries = 0
                    for text in socket:
                        event = json.loads(text)
                        last = event.get("seq", last)
                        yield event
                        if event.get("type") == "status" and event.get("data", {}).get("status") in TERMINAL:
                            return
                    close_code = socket.close_code
            except InvalidStatus as error:
                if error.response.status_code in (401, 403):  # refused before the handshake: no valid sign-in
                    raise ApiError(401, "sign in first (--token or PLAYGROUND_TOKEN)", "stream") from None
                close_code, reason = None, str(error)
            except (OSError, TimeoutError, InvalidHandshake, InvalidURI) as error:
                close_code, reason = None, str(error)
            except ConnectionClosed as error:
                close_code, reason = error.rcvd.code if error.rcvd else None, str(error)
            else:
                reason = "the stream ended before the run did"
            if close_code == CLOSE_NOT_FOUND:
                raise ApiError(404, f"no run {run_id}", "stream")
            if close_code == CLOSE_UNAUTHORIZED:
                raise ApiError(401, "sign in first (--token or PLAYGROUND_TOKEN)", "stream")
            tries += 1
            if tries > RECONNECTS:
                raise Unreachable(f"the stream of run {run_id} at {self.server} broke off: {reason}")

    def stream_url(self, run_id: str, after: int) -> str:
        base = "ws" + self.server.removeprefix("http")  # http -> ws, https -> wss
        token = f"&token={quote(self.token)}" if self.token else ""
        return f"{base}{API}/runs/{quote(run_id)}/stream?after={after}{token}"


def suggested_name(disposition: str) -> str | None:
    for part in disposition.split(";"):
        key, _, value = part.strip().partition("=")
        if key.lower() == "filename" and value:
            return Path(value.strip('"')).name or None
    return None


class Run:
    """A run as the server last described it (`data`: the contract's Run), with a way to follow it."""

    def __init__(self, client: Client, data: dict):
        self.client, self.data = client, data

    id = property(lambda self: self.data["id"])
    status = property(lambda self: self.data["status"])
    summary = property(lambda self: self.data.get("summary") or {})
    error = property(lambda self: self.data.get("error"))
    name = property(lambda self: self.data.get("name"))
    finished = property(lambda self: self.status in TERMINAL)
    succeeded = property(lambda self: self.status == "succeeded")

    @property
    def epochs(self) -> int | None:
        return (self.data.get("spec") or {}).get("train", {}).get("epochs")

    def refresh(self) -> "Run":
        self.data = self.client.run(self.id).data
        return self

    def watch(self, progress: bool | Callable[[dict], None] = True) -> "Run":
        """Follow the run to its end and answer it as stored then (status, summary, error). `progress`: True
        draws a progress bar (on stderr, or in a Jupyter cell), False nothing, a callable gets each event."""
        from .progress import Progress

        bar = Progress(self.id, self.epochs) if progress is True else None
        try:
            for event in self.client.events(self.id):
                if bar:
                    bar.update(event)
                elif callable(progress):
                    progress(event)
        finally:
            if bar:
                bar.close()
        return self.refresh()

    def export(self, format: str = "pytorch") -> bytes:
        return self.client.export(self.id, format)[0]

    def __repr__(self) -> str:
        return f"Run({self.id!r}, status={self.status!r}, summary={self.data.get('summary')!r})"
