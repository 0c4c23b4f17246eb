"""Hundreds of viewers arriving at once on one long run: how soon each has caught up, and REST meanwhile.

    python -m bench.viewers [--viewers N] [--history-s H] [--repeats R] [--write]

One embedded `playground serve`. A TF-default run trains for H seconds first (its stream holds that many
seconds of boundary frames), then N viewers open its stream together, in one asyncio client, while a
probe asks `GET /health` every 100 ms. Each viewer counts as caught up once it has an event at or past the
seq the run had reached when the viewers set out. Alternately, R times each: (A) `after=0`, every event
from seq 1 (the reference: the replay every viewer was sent before; the server's replay buffer holds the
whole history, so that it is every event however long the history), and (B) `after=0&snapshot=true`, the
stored snapshot then live (what the page asks for now). The run goes on training meanwhile, so a later storm
meets a longer history: each row says how many events the run had. See bench/README.md.
"""
from __future__ import annotations

import argparse
import asyncio
import datetime
import json
import os
import platform
import statistics
import tempfile
import time
from pathlib import Path

import httpx
import websockets

from tests.support import Server, wait_until

from .classroom import TF_DEFAULT, quantile
from .results import cpu_name, run_benchmark

SECTION = "## Viewers by the hundred"
CATCH_UP_S = 60.0  # a viewer not caught up by then counts as not connected, as in the probe
REPLAY_BUFFER = 1_000_000  # events the bus keeps per run: the whole history, so that A replays every event
MODES = {"A: every event (after=0)": "", "B: snapshot=true": "&snapshot=true"}


async def viewer(url: str, head: int, started: float) -> tuple[float | None, int, int]:
    """Seconds from the start until this viewer had an event at seq >= head (None: not within CATCH_UP_S),
    and the bytes and messages it was sent until then."""
    received = messages = 0
    try:
        async with asyncio.timeout(CATCH_UP_S):
            async with websockets.connect(url, max_size=None, open_timeout=CATCH_UP_S) as ws:
                async for message in ws:
                    received, messages = received + len(message), messages + 1
                    if json.loads(message)["seq"] >= head:
                        return time.monotonic() - started, received, messages
    except (TimeoutError, OSError, websockets.ConnectionClosed):
        pass
    return None, received, messages


async def rest_probe(base_url: str, stop: asyncio.Event) -> list[float]:
    latencies = []
    async with httpx.AsyncClient(base_url=base_url, timeout=CATCH_UP_S) as http:
        while not stop.is_set():
            began = time.monotonic()
            try:
                await http.get("/api/v1/health")
            except httpx.TimeoutException:
                pass  # counted at its timeout, CATCH_UP_S: the probe's worst, not a crash of the benchmark
            latencies.append(time.monotonic() - began)
            try:
                await asyncio.wait_for(stop.wait(), 0.1)
            except TimeoutError:
                pass
    return latencies


async def storm(server: Server, run_id: str, n: int, query: str) -> dict:
    head = httpx.get(f"{server.base_url}/api/v1/runs/{run_id}/events", params={"after": 0}).json()[-1]["seq"]
    url = f"{server.ws_url}/runs/{run_id}/stream?after=0{query}"
    stop = asyncio.Event()
    probe = asyncio.create_task(rest_probe(server.base_url, stop))
    started = time.monotonic()
    results = await asyncio.gather(*(viewer(url, head, started) for _ in range(n)))
    stop.set()
    rest = await probe
    caught = sorted(t for t, _, _ in results if t is not None)
    return {"viewers": n, "head": head, "caught_up": len(caught), "p50_s": quantile(caught, 0.5) if caught else None,
            "p99_s": quantile(caught, 0.99) if caught else None, "max_s": caught[-1] if caught else None,
            "kb_per_viewer": statistics.median(b for _, b, _ in results) / 1024,
            "messages_per_viewer": statistics.median(m for _, _, m in results),
            "rest_p50_ms": quantile(rest, 0.5) * 1e3,
            "rest_p99_ms": quantile(rest, 0.99) * 1e3, "rest_max_ms": max(rest) * 1e3}


def measure(args: argparse.Namespace) -> dict:
    with tempfile.TemporaryDirectory() as data:
        server = Server(Path(data), PLAYGROUND_MAX_VIEWERS_PER_RUN=str(args.viewers),
                        PLAYGROUND_MAX_VIEWERS_PER_CLIENT=str(args.viewers),
                        PLAYGROUND_REPLAY_BUFFER=str(REPLAY_BUFFER)).start()
        try:
            spec = {**TF_DEFAULT, "train": {**TF_DEFAULT["train"], "epochs": 100_000}}
            submitted = httpx.post(f"{server.base_url}/api/v1/runs", json={"spec": spec})
            assert submitted.status_code == 201, submitted.text
            run = submitted.json()
            began = time.monotonic()
            wait_until(lambda: time.monotonic() - began > args.history_s, timeout=args.history_s + 60,
                       interval=1.0, what="the run's history to build up")
            rows = {mode: [] for mode in MODES}
            for repeat in range(args.repeats):
                order = list(MODES.items())  # alternately first: neither mode always meets the longer history
                for mode, query in order if repeat % 2 == 0 else order[::-1]:
                    rows[mode].append(asyncio.run(storm(server, run["id"], args.viewers, query)))
            events = len(httpx.get(f"{server.base_url}/api/v1/runs/{run['id']}/events").json())
            httpx.post(f"{server.base_url}/api/v1/runs/{run['id']}/control", json={"action": "stop"})
        finally:
            server.stop()
    return {"rows": rows, "stored_events": events, "args": vars(args)}


def median_row(rows: list[dict]) -> dict:
    keys = rows[0].keys()
    return {k: statistics.median(r[k] for r in rows) if all(r[k] is not None for r in rows) else None for k in keys}


def report(r: dict) -> str:
    a = r["args"]
    fmt = lambda v, spec=".2f": "—" if v is None else format(v, spec)  # noqa: E731
    lines = [SECTION, "",
             f"Machine: {cpu_name()}, {platform.system()} {platform.release()}; date "
             f"{datetime.date.today().isoformat()}; load average {os.getloadavg()[0]:.1f} at the end (the machine is "
             f"shared with other processes). `python -m bench.viewers --viewers {a['viewers']} --history-s "
             f"{a['history_s']} --repeats {a['repeats']}`: one TF-default run streaming at 20 fps for "
             f"{a['history_s']} s, then {a['viewers']} viewers at once; medians of {a['repeats']} storms per mode, "
             "interleaved, each mode first in turn (the run trains on meanwhile: *events* is the seq it had reached "
             "as each storm set out). A's replay is every event from seq 1 (the replay buffer holds the whole run).",
             "",
             "| mode | events | caught up in 60 s | p50 s | p99 s | max s | KB sent per viewer | messages per viewer "
             "| GET /health p50 ms | p99 ms | max ms |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    medians = {mode: median_row(rows) for mode, rows in r["rows"].items()}
    for mode, m in medians.items():
        lines.append(f"| {mode} | {m['head']:.0f} | {m['caught_up']:.0f} / {m['viewers']:.0f} | {fmt(m['p50_s'])} "
                     f"| {fmt(m['p99_s'])} | {fmt(m['max_s'])} | {m['kb_per_viewer']:.0f} "
                     f"| {m['messages_per_viewer']:.0f} | {m['rest_p50_ms']:.1f} "
                     f"| {m['rest_p99_ms']:.1f} | {m['rest_max_ms']:.1f} |")
    a_row, b_row = medians.values()
    if a_row["p99_s"] and b_row["p99_s"]:
        lines += ["", f"B against A: p99 catch-up x{b_row['p99_s'] / a_row['p99_s']:.2f}, bytes per viewer "
                  f"x{b_row['kb_per_viewer'] / a_row['kb_per_viewer']:.3f}, "
                  f"REST p99 x{b_row['rest_p99_ms'] / a_row['rest_p99_ms']:.2f}."]
    return "\n".join(lines) + "\n"


def arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--viewers", type=int, default=300)
    parser.add_argument("--history-s", type=float, default=60.0)
    parser.add_argument("--repeats", type=int, default=3)


def main() -> None:
    run_benchmark(__doc__, SECTION, arguments, measure, report)


if __name__ == "__main__":
    main()
