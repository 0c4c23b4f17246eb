"""Latency in distributed mode: submit to first event with warm workers, and viewers' lag behind the producer.

    python -m bench.distributed [--submissions N] [--viewers 1 50 500] [--window-s S] [--repeats R] [--root DIR]
                                [--write]

One API (uvicorn, `playground serve`) and two `playground worker`s on the machine's Redis (127.0.0.1:6379, a
database of the benchmark's own, flushed first) and PostgreSQL (a schema of its own): bench/cluster.py.

- Submit to first event: after a warm-up run, N small runs one after another, each watched from its POST on:
  the POST's answer, the `running` status (a worker claimed it) and its first frame. The same against one
  embedded `playground serve`, the reference, in the same invocation.
- Lag: one long run streaming; V viewers (one asyncio client per process, spread over --clients processes)
  each open its stream at its head as it connects; a reader of the run's Redis stream (XREAD, a thread of this
  process) notes each event's appearance and its producer's `time`, which give the producer's clock for it; a
  viewer's lag for an event is its arrival less that (one machine, one monotonic clock). Over a window of S
  seconds, every event of every viewer. V = 1 is the reference. --root runs the API and workers of another
  checkout (the code before a change). See bench/README.md.
"""
from __future__ import annotations

import argparse
import asyncio
import datetime
import json
import multiprocessing
import os
import platform
import statistics
from collections import Counter
import tempfile
import threading
import time
from pathlib import Path

import httpx
import redis
import redis.asyncio as aioredis
import websockets

from tests.support import ROOT, Server, wait_until

from .classroom import cpu_seconds, quantile
from .cluster import Cluster
from .results import cpu_name, run_benchmark
from workers.streams import stream_key

SECTION = "## Latency, distributed"
REDIS_URL = os.environ.get("PLAYGROUND_BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
SMALL = {"data": {"dataset": "xor", "n_samples": 100}, "model": {"layers": [{"units": 4}]},
         "train": {"epochs": 5}, "stream": {"max_fps": 20}}
LONG = {"data": {"dataset": "circle", "n_samples": 10_000}, "model": {"layers": [{"units": 32}, {"units": 32}]},
        "train": {"epochs": 1_000, "batch_size": 10}, "stream": {"max_fps": 10}}


def seq_of(message: str) -> int:
    """An event's seq without parsing it: every event is sent as '{"seq":N,...' (workers/streams.py PUBLISH)."""
    return int(message[7:message.index(",", 7)])


async def first_events(http: httpx.AsyncClient, ws_url: str) -> dict[str, float]:
    began = time.perf_counter()
    response = await http.post("/runs", json={"spec": SMALL})
    posted = time.perf_counter() - began
    response.raise_for_status()
    seen = {"POST answered": posted}
    async with websockets.connect(f"{ws_url}/runs/{response.json()['id']}/stream", max_size=None) as ws:
        async for message in ws:
            event = json.loads(message)
            if event["type"] == "status" and event["data"]["status"] == "running":
                seen.setdefault("running status", time.perf_counter() - began)
            elif event["type"] == "boundary":
                seen["first frame"] = time.perf_counter() - began
                return seen
    return seen


async def submissions(base_url: str, ws_url: str, n: int) -> dict[str, list[float]]:
    async with httpx.AsyncClient(base_url=base_url + "/api/v1", timeout=60) as http:
        await first_events(http, ws_url)  # the warm-up: every process has trained once
        rows = [await first_events(http, ws_url) for _ in range(n)]
    return {key: [row[key] for row in rows if key in row] for key in rows[0]}


async def _viewers(ws_url: str, run_id: str, n: int, connected, until) -> list[dict]:
    store, one_at_a_time = aioredis.Redis.from_url(REDIS_URL), asyncio.Lock()  # one connection, not n at once

    async def one() -> dict:
        viewer = {"connected": False, "failure": None, "arrivals": []}
        try:
            # At the run's head as this viewer connects, not at a seq read before hundreds of them did: connecting
            # 500 took up to a minute on a loaded machine, and each viewer was first sent every frame since (30 KB
            # each), which slowed the next handshakes the more; that catch-up, not the live lag, was measured.
            async with one_at_a_time:
                newest = await store.xrevrange(stream_key(run_id), count=1)
            url = f"{ws_url}/runs/{run_id}/stream?after={int(newest[0][0].split(b'-')[0])}"
            # No keepalive of the client's own: a loop that falls 20 s behind would close its sockets (1011)
            # and count as the server's failure; the server's own pings still close a dead client.
            async with websockets.connect(url, max_size=None, open_timeout=120, ping_interval=None) as ws:
                viewer["connected"] = True
                with connected.get_lock():
                    connected.value += 1
                while (left := until.value - time.monotonic()) > 0:
                    try:
                        message = await asyncio.wait_for(ws.recv(), min(left, 1.0))
                    except TimeoutError:
                        continue
                    viewer["arrivals"].append((seq_of(message), time.monotonic()))
        except websockets.ConnectionClosed as closed:  # the server's close code says why (1013: a cap)
            viewer["failure"] = f"closed {closed.rcvd.code if closed.rcvd else 'without a close frame'}"
        except (TimeoutError, OSError, websockets.InvalidHandshake) as error:
            viewer["failure"] = f"{'handshake ' if not viewer['connected'] else ''}{type(error).__name__}"
        if not viewer["connected"]:  # counted, so that the benchmark does not wait for it for ever
            with connected.get_lock():
                connected.value += 1
        return viewer
    try:
        return await asyncio.gather(*(one() for _ in range(n)))
    finally:
        await store.aclose()


def viewer_process(ws_url: str, run_id: str, n: int, connected, until, out) -> None:
    """n viewers in one asyncio loop; each reads until `until` (set once every viewer has connected or failed)."""
    out.put(asyncio.run(_viewers(ws_url, run_id, n, connected, until)))


def publications(url: str, run_id: str, stop: threading.Event, seen: dict[int, tuple[float, float]]) -> None:
    """Per event of the run: when a direct reader of its Redis stream saw it, and the producer's own clock for it
    (`time`, the engine's seconds since the run started). No socket timeout, and a failed read is made again: on
    a loaded machine a reply may take seconds, and a reader that dies leaves nothing to measure against."""
    client = redis.Redis.from_url(url, socket_timeout=None)
    last = "$"
    while not stop.is_set():
        try:
            found = client.xread({stream_key(run_id): last}, block=200) or ()
        except redis.RedisError:
            time.sleep(0.1)
            continue
        for _, entries in found:
            now = time.monotonic()
            for entry_id, fields in entries:
                seen[int(entry_id.decode().split("-")[0])] = (now, json.loads(fields[b"event"])["time"])
                last = entry_id


def lag(server: Server, run_id: str, n: int, clients: int, window_s: float, warm_s: float = 3.0) -> dict:
    published: dict[int, tuple[float, float]] = {}
    stop = threading.Event()
    # Forked, not spawned: a spawned child imports this module again, and with it torch (workers/streams.py's
    # probes), which took most of a minute for 4 processes at once on a loaded 2-core machine: time the viewers
    # were counted as connecting. The children use none of the parent's threads (the database proxy's).
    context = multiprocessing.get_context("fork")
    connected, until, out = context.Value("i", 0), context.Value("d", time.monotonic() + 600), context.Queue()
    per = [n // clients + (i < n % clients) for i in range(min(clients, n))]
    processes = [context.Process(target=viewer_process, args=(server.ws_url, run_id, k, connected, until, out))
                 for k in per]
    began = time.monotonic()
    for process in processes:
        process.start()
    reader = threading.Thread(target=publications, args=(REDIS_URL, run_id, stop, published))
    reader.start()
    wait_until(lambda: connected.value >= n, timeout=300, interval=0.1, what=f"{n} viewers to connect")
    connect_s = time.monotonic() - began
    start = time.monotonic() + warm_s  # events published from then on, in the window, count
    end = start + window_s
    until.value = end + 2.0
    # The cores the API and the viewers' processes used over the window: on a small machine the viewers may be
    # what is short of CPU, not the server.
    cpu = []
    for at in (start, end):
        time.sleep(max(0.0, at - time.monotonic()))
        cpu.append((cpu_seconds(server.process.pid)[0], sum(cpu_seconds(p.pid)[0] for p in processes)))
    viewers = [v for _ in processes for v in out.get()]
    for process in processes:
        process.join()
    stop.set()
    reader.join()
    # The producer's clock for an event: the run's start on this machine's monotonic clock plus its `time`. The
    # start is estimated as the least (seen - time) over the run's events: the reader's quickest sight of one, so
    # a reader starved of the CPU for a while (which would have made every viewer look early) does not count.
    origin = min(seen - produced for seen, produced in published.values())
    counted = {seq: origin + produced for seq, (seen, produced) in published.items() if start <= seen <= end}
    lags, missing = [], 0
    for viewer in viewers:
        got = dict(viewer["arrivals"])
        missing += sum(seq not in got for seq in counted)
        lags += [got[seq] - at for seq, at in counted.items() if seq in got]
    # None of them within the window and 2 s: a row of its own (all lags past that), not an end of the benchmark.
    lag_ms = {f"p{int(q * 100)}_ms": quantile(lags, q) * 1e3 if lags else None for q in (0.5, 0.99)}
    failures = Counter(v["failure"] for v in viewers if v["failure"])
    return {"viewers": n, "connected": sum(v["connected"] for v in viewers),
            "received": sum(any(seq in counted for seq, _ in v["arrivals"]) for v in viewers),
            "connect_s": connect_s, "events": len(counted), "rate": len(counted) / window_s,
            **lag_ms, "max_ms": max(lags) * 1e3 if lags else None,
            "missing": missing, "failures": dict(failures), "load": os.getloadavg()[0],
            "api_cores": (cpu[1][0] - cpu[0][0]) / window_s, "viewer_cores": (cpu[1][1] - cpu[0][1]) / window_s}


def measure(args: argparse.Namespace) -> dict:
    redis.Redis.from_url(REDIS_URL).flushdb()
    env = {"PLAYGROUND_MAX_VIEWERS_PER_RUN": str(max(args.viewers) + 10),
           "PLAYGROUND_MAX_VIEWERS_PER_CLIENT": str(max(args.viewers) + 10)}
    result = {"args": vars(args), "lag": {n: [] for n in args.viewers}}
    with tempfile.TemporaryDirectory() as tmp:
        with Cluster(Path(tmp) / "cluster", "bench_distributed", workers=2, replicas=1, redis_url=REDIS_URL,
                     root=Path(args.root).resolve() if args.root else ROOT, **env) as cluster:
            server = cluster.replicas[0]
            result["distributed"] = asyncio.run(submissions(server.base_url, server.ws_url, args.submissions))
            submitted = httpx.post(f"{server.base_url}/api/v1/runs", json={"spec": LONG})
            assert submitted.status_code == 201, submitted.text
            run = submitted.json()
            store = redis.Redis.from_url(REDIS_URL)  # it trains: frames come (a loaded machine may take 15 s)
            wait_until(lambda: store.xlen(stream_key(run["id"])) > 20, timeout=120, what="the long run's frames")
            for _ in range(args.repeats):
                for n in args.viewers:
                    result["lag"][n].append(lag(server, run["id"], n, args.clients, args.window_s))
                    print(n, result["lag"][n][-1], flush=True)
            httpx.post(f"{server.base_url}/api/v1/runs/{run['id']}/control", json={"action": "stop"})
        embedded = Server(Path(tmp) / "embedded").start()
        try:
            result["embedded"] = asyncio.run(submissions(embedded.base_url, embedded.ws_url, args.submissions))
        finally:
            embedded.stop()
    return result


def median_of(values: list) -> float | None:
    """The median, a window where no viewer received anything in time (None) counting as the longest lag."""
    return statistics.median(v if v is not None else float("inf") for v in values)


def ms(value: float | None) -> str:
    return "all past the window" if value in (None, float("inf")) else f"{value:.1f}"


def report(r: dict) -> str:
    a = r["args"]
    lines = [SECTION, "",
             f"Machine: {cpu_name()}, {os.cpu_count()} cores, {platform.system()} {platform.release()}; date "
             f"{datetime.date.today().isoformat()}; shared with other processes (load average "
             f"{os.getloadavg()[0]:.1f} at the end). `python -m bench.distributed --submissions {a['submissions']} "
             f"--window-s {a['window_s']:g} --repeats {a['repeats']}{' --root ' + a['root'] if a['root'] else ''}`: "
             "one API replica, two workers (one pool process "
             "each), Redis on 127.0.0.1:6379, PostgreSQL.", "",
             f"Submit to first event, {a['submissions']} small runs one after another after a warm-up (xor, 5 "
             "epochs, 20 fps), from the POST:", "",
             "| mode | POST answered p50 / p99 ms | running status p50 / p99 ms | first frame p50 / p99 ms |",
             "| --- | --- | --- | --- |"]
    for mode in ("distributed", "embedded"):
        cells = [f"{quantile(v, 0.5) * 1e3:.0f} / {quantile(v, 0.99) * 1e3:.0f}" for v in r[mode].values()]
        lines.append(f"| {mode}{' (reference)' if mode == 'embedded' else ''} | " + " | ".join(cells) + " |")
    lines += ["", "Viewers' lag behind the producer (arrival at a viewer less the producer's clock for the event: the "
              "run's start, the least gap between an event's appearance in its Redis stream and its `time`, plus its "
              f"`time`), one run ({LONG['data']['n_samples']:,} points, 32-32 network, "
              f"{LONG['stream']['max_fps']} fps), every event published in a {a['window_s']:g} s window after a 3 s "
              f"warm-up, at every viewer; viewers in {a['clients']} client processes; medians of {a['repeats']} "
              "windows, interleaved (connected: handshakes done; received: viewers that got an event of the window; "
              "connect s: from the first client started to the last handshake done or failed):", "",
              "| viewers | connected | received | connect s | events/s per viewer | lag p50 ms | p99 ms | max ms "
              "| not received | p99 vs 1 viewer | failures (all windows) |",
              "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    med = {n: {k: median_of([row[k] for row in rows]) for k in rows[0] if k != "failures"}
           for n, rows in r["lag"].items()}
    ref = med[min(med)]["p99_ms"]
    for n, m in med.items():
        failures = sum((Counter(row["failures"]) for row in r["lag"][n]), Counter())
        finite = m["p99_ms"] not in (None, float("inf")) and ref not in (None, float("inf"))
        versus = f"x{m['p99_ms'] / ref:.1f}" if finite else "–"
        lines.append(f"| {n} | {m['connected']:.0f} | {m['received']:.0f} | {m['connect_s']:.1f} | {m['rate']:.1f} "
                     f"| {ms(m['p50_ms'])} | {ms(m['p99_ms'])} | {ms(m['max_ms'])} | {m['missing']:.0f} "
                     f"| {versus} "
                     f"| {', '.join(f'{k}: {v}' for k, v in failures.items()) or 'none'} |")
    return "\n".join(lines) + "\n"


def arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--submissions", type=int, default=100)
    parser.add_argument("--viewers", type=int, nargs="*", default=[1, 50, 500])
    parser.add_argument("--clients", type=int, default=4, help="client processes the viewers are spread over")
    parser.add_argument("--window-s", type=float, default=15.0)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--root", help="the checkout whose API and workers run (default this one): a `git worktree` "
                        "of the code before a change, to compare on this benchmark")


def main() -> None:
    run_benchmark(__doc__, SECTION, arguments, measure, report)


if __name__ == "__main__":
    main()
