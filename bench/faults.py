"""The fault suite, distributed mode: each fault while runs train and viewers watch, and what it cost.

    python -m bench.faults [--faults NAME ...] [--runs N] [--repeats R] [--write]

For each fault a fresh cluster (bench/cluster.py): a private Redis, a PostgreSQL schema behind a proxy the suite
can cut, two workers, two API replicas, short leases. N long runs train, each watched by one viewer on each
replica; a viewer whose socket closes reconnects as the page does (after its last seq, its own replica first,
the other one when that refuses). Then the fault, and: the seconds until every run is terminal or training again
(a metrics event after its last status event, after the repair, holding for a lease's life), the seconds until
every viewer receives again, what the viewers and a REST probe saw, and, once every run is stopped and every
viewer has its end, the events each viewer missed or got twice and those the stored history lacks.
See bench/README.md.
"""
from __future__ import annotations

import argparse
import asyncio
import datetime
import json
import os
import platform
import signal
import statistics
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import redis
import websockets

from tests.integration.cluster import lease_holder_pid
from tests.support import Api, wait_until
from workers.engine.probes import kept_whole
from workers.engine.status import TERMINAL, is_terminal_event

from .cluster import Cluster
from .results import cpu_name, run_benchmark

SECTION = "## Faults, distributed"
LEASE_S = 3.0
ENV = {"PLAYGROUND_LEASE_SECONDS": str(LEASE_S), "PLAYGROUND_REAP_SECONDS": "0.5",
       "PLAYGROUND_RECORDER_CLAIM_IDLE_SECONDS": "2", "PLAYGROUND_ACTIVE_RUNS_PER_PROCESS": "4"}
RUN = {"data": {"dataset": "circle", "n_samples": 100}, "model": {"layers": [{"units": 4}]},
       "train": {"epochs": 100_000}, "stream": {"max_fps": 5}}
OUTAGE_S = 3.0  # how long Redis stays down, or PostgreSQL cut
STABLE_S = LEASE_S + 2.0  # "training again" must hold this long: a worker that lost its run may send one more epoch
RECOVERY_TIMEOUT_S = 120.0


@dataclass
class Viewer:
    run_id: str
    home: int  # the replica it watches from
    seen: list[tuple[float, dict]] = field(default_factory=list)  # (arrival, event)
    closes: Counter = field(default_factory=Counter)  # close code, or what refused the connection
    done: bool = False


async def watch(viewer: Viewer, ws_urls: list[str], give_up: asyncio.Event) -> None:
    replica, last = viewer.home, 0
    while not viewer.done and not give_up.is_set():
        try:
            url = f"{ws_urls[replica]}/runs/{viewer.run_id}/stream?after={last}"
            async with websockets.connect(url, open_timeout=5, max_size=None) as ws:
                async for message in ws:
                    event = json.loads(message)
                    viewer.seen.append((time.monotonic(), event))
                    last = max(last, event["seq"])
                    viewer.done = viewer.done or is_terminal_event(event)
            viewer.closes[ws.close_code] += 1
        except websockets.ConnectionClosed as closed:
            viewer.closes[closed.rcvd.code if closed.rcvd else 1006] += 1
        except websockets.InvalidStatus as refused:
            viewer.closes[f"HTTP {refused.response.status_code}"] += 1
            replica = (replica + 1) % len(ws_urls)
        except (OSError, TimeoutError, websockets.InvalidHandshake):
            viewer.closes["refused"] += 1
            replica = (replica + 1) % len(ws_urls)
        if not viewer.done:
            await asyncio.sleep(0.3)


async def probe(base_urls: list[str], run_id: str, stop: asyncio.Event, seen: list) -> None:
    """Every 250 ms, each replica's GET /health and GET /runs/{id}: (time, what, status code or error)."""
    async with httpx.AsyncClient(timeout=5) as http:
        while not stop.is_set():
            for i, base in enumerate(base_urls):
                for what, path in (("health", "/api/v1/health"), ("GET run", f"/api/v1/runs/{run_id}")):
                    try:
                        answer = (await http.get(base + path)).status_code
                    except httpx.HTTPError as error:
                        answer = type(error).__name__
                    seen.append((time.monotonic(), f"{what} (replica {i})", answer))
            await asyncio.sleep(0.25)


def training_since(viewers: list[Viewer], after: float) -> float | None:
    """When the run these viewers watch was training again after `after` (the arrival of its first metrics event
    after both `after` and its last status event), or ended; None if it is neither now."""
    events = sorted((at, e["seq"], e) for v in viewers for at, e in v.seen)
    statuses = [(at, e) for at, _, e in events if e["type"] == "status"]
    if statuses and statuses[-1][1]["data"]["status"] in TERMINAL:
        return statuses[-1][0]
    if statuses and statuses[-1][1]["data"]["status"] != "running":
        return None
    since = max(after, statuses[-1][0] if statuses else after)
    return next((at for at, _, e in events if e["type"] == "metrics" and at > since), None)


async def recovered(viewers: dict[str, list[Viewer]], after: float) -> dict[str, float]:
    """Per run, when it trained again (or ended), once every run has, and it has held for STABLE_S."""
    deadline, held_since = time.monotonic() + RECOVERY_TIMEOUT_S, None
    while time.monotonic() < deadline:
        times = {run: training_since(group, after) for run, group in viewers.items()}
        if all(t is not None for t in times.values()):
            held_since = held_since or time.monotonic()
            if time.monotonic() - held_since >= STABLE_S:
                return times
        else:
            held_since = None
        await asyncio.sleep(0.1)
    return {run: t for run, group in viewers.items() if (t := training_since(group, after)) is not None}


def inject(cluster: Cluster, name: str, runs: list[str]) -> float:
    """Do the fault; answer when it was repaired (the moment of the fault for a kill that is not undone)."""
    if name in ("redis empty", "redis with data"):
        cluster.kill_redis(keep_data=name == "redis with data")
        time.sleep(OUTAGE_S)
        cluster.store.start()
    elif name == "postgres cut":
        cluster.db_proxy.cut()
        time.sleep(OUTAGE_S)
        cluster.db_proxy.restore()
    elif name == "worker killed":
        pid = lease_holder_pid(redis.Redis.from_url(cluster.redis_url), runs[0])
        cluster.worker_of(pid).kill(signal.SIGKILL)
    elif name == "replica killed":
        cluster.replicas[0].stop(signal.SIGKILL)
    return time.monotonic()


FAULTS = {"redis empty": "Redis SIGKILLed, restarted empty after 3 s",
          "redis with data": "Redis SIGKILLed, restarted with its data (AOF) after 3 s",
          "postgres cut": "PostgreSQL cut for 3 s (TCP proxy)",
          "worker killed": "a worker SIGKILLed (the one training the first run)",
          "replica killed": "API replica 0 SIGKILLed (not restarted)"}


async def scenario(cluster: Cluster, name: str, n_runs: int) -> dict:
    apis = [Api(server) for server in cluster.replicas]
    runs = [apis[0].submit({**RUN, "data": {**RUN["data"], "seed": i}})["id"] for i in range(n_runs)]
    viewers = {run: [Viewer(run, home) for home in range(len(apis))] for run in runs}
    give_up, stop_probe, probed = asyncio.Event(), asyncio.Event(), []
    tasks = [asyncio.create_task(watch(v, [s.ws_url for s in cluster.replicas], give_up))
             for group in viewers.values() for v in group]
    await asyncio.to_thread(wait_until, lambda: all(training_since(g, 0) for g in viewers.values()), 120, 0.1,
                            "every run to train")
    probing = asyncio.create_task(probe([s.base_url for s in cluster.replicas], runs[0], stop_probe, probed))
    await asyncio.sleep(2.0)
    fault_at = time.monotonic()
    repaired = await asyncio.to_thread(inject, cluster, name, runs)
    times = await recovered(viewers, repaired)
    every_viewer = [min((at for at, _ in v.seen if at > repaired), default=None) for g in viewers.values() for v in g]
    stop_probe.set()
    await probing
    live = next(api for api, server in zip(apis, cluster.replicas) if server.process.poll() is None)
    for run in runs:
        live.control(run, "stop")
    print(f"  {name}: recovered in {time.monotonic() - repaired:.1f} s after the repair; stopping", flush=True)
    try:
        await asyncio.wait_for(asyncio.gather(*tasks), 90)
    except TimeoutError:
        give_up.set()
    stored = {run: live.http.get(f"/runs/{run}/events").json() for run in runs}
    final = [live.run(run) for run in runs]
    return {"fault_to_repair_s": repaired - fault_at,
            "recovery_s": max(t - repaired for t in times.values()) if len(times) == len(runs) else None,
            "viewers_back_s": max(t - repaired for t in every_viewer) if None not in every_viewer else None,
            **losses(viewers, stored),
            "closes": sum((v.closes for g in viewers.values() for v in g), Counter()),
            "rest": Counter(f"{what} {code}" for at, what, code in probed if fault_at <= at),
            "statuses_seen": Counter(f"{e['data']['status']} (attempt {e['data'].get('attempt', '-')})"
                                     for g in viewers.values() for v in g[:1] for at, e in v.seen
                                     if e["type"] == "status" and at > fault_at),
            "final": Counter(f"{r['status']} attempt {r['attempt']}" for r in final),
            "viewers_ended": sum(v.done for g in viewers.values() for v in g)}


def content(event: dict) -> str:
    return json.dumps({k: v for k, v in event.items() if k != "seq"}, sort_keys=True)


def kept_for_good(seen) -> set[str]:
    """What the store must hold of the events a viewer saw: every status event, and the other kept-whole ones
    (metrics, ...) of the last attempt, from its first status event on (a new attempt starts from scratch, and the
    recorder forgets the lost one's: services/recorder.py forget_attempt)."""
    seen = list(seen)
    attempts = [e["data"].get("attempt", 1) for e in seen if e["type"] == "status"]
    last = max(attempts, default=1)
    start = next((i for i, e in enumerate(seen) if e["type"] == "status" and e["data"].get("attempt", 1) == last), 0)
    return {content(e) for i, e in enumerate(seen)
            if e["type"] == "status" or (i > start and kept_whole(e["type"]))}


def losses(viewers: dict[str, list[Viewer]], stored: dict[str, list[dict]]) -> dict:
    """Worst per run: seqs a viewer never got (gaps), events any viewer or the store has that it missed, events it
    got twice (same seq and content), seqs it got with two contents, and the kept-whole events (status, metrics)
    a viewer saw that the stored history lacks or holds twice."""
    worst = Counter()
    for run, group in viewers.items():
        union = {content(e) for v in group for _, e in v.seen} | {content(e) for e in stored[run]}
        for v in group:
            by_seq: dict[int, set[str]] = {}
            twice = 0
            for _, e in v.seen:
                twice += content(e) in by_seq.get(e["seq"], set())
                by_seq.setdefault(e["seq"], set()).add(content(e))
            got = {c for contents in by_seq.values() for c in contents}
            worst["gaps"] = max(worst["gaps"], max(by_seq, default=0) - len(by_seq))
            worst["missed"] = max(worst["missed"], len(union - got))
            worst["twice"] = max(worst["twice"], twice)
            worst["renumbered"] = max(worst["renumbered"], sum(len(c) > 1 for c in by_seq.values()))
        kept = Counter(content(e) for e in stored[run])
        whole = {c for v in group for c in kept_for_good(e for _, e in v.seen)}
        worst["store_lacks"] = max(worst["store_lacks"], len(whole - set(kept)))
        worst["store_twice"] = max(worst["store_twice"], sum(n - 1 for n in kept.values()))
    return dict(worst)


def measure(args: argparse.Namespace) -> dict:
    rows = {name: [] for name in args.faults}
    for _ in range(args.repeats):
        for name in args.faults:
            began = time.monotonic()
            with tempfile.TemporaryDirectory() as tmp, Cluster(Path(tmp), "bench_faults", **ENV) as cluster:
                print(f"  {name}: cluster up in {time.monotonic() - began:.0f} s", flush=True)
                rows[name].append(asyncio.run(scenario(cluster, name, args.runs)))
                print(f"  {name}: done at {time.monotonic() - began:.0f} s", flush=True)
            print(name, rows[name][-1], f"({time.monotonic() - began:.0f} s)", flush=True)
    return {"rows": rows, "args": vars(args)}


def seconds(values: list[float | None]) -> str:
    known = [v for v in values if v is not None]
    text = f"{statistics.median(known):.1f}" if known else "never"
    text += f" ({min(known):.1f}-{max(known):.1f})" if len(known) > 1 else ""
    return text + (f", {len(values) - len(known)} of {len(values)} never" if known and len(known) < len(values)
                   else "")


def counts(counter: Counter) -> str:
    return ", ".join(f"{k} x{v}" for k, v in sorted(counter.items(), key=str)) or "-"


def report(r: dict) -> str:
    a, worst = r["args"], lambda rows, key: max(row[key] for row in rows)
    lines = [SECTION, "",
             f"Machine: {cpu_name()}, {os.cpu_count()} cores, {platform.system()} {platform.release()}; date "
             f"{datetime.date.today().isoformat()}; shared with other processes (load average "
             f"{os.getloadavg()[0]:.1f} at the end). `python -m bench.faults --runs {a['runs']} --repeats "
             f"{a['repeats']}`: per fault a fresh cluster (private Redis with AOF, PostgreSQL schema behind a proxy, 2 "
             f"workers, 2 API replicas, lease {LEASE_S:g} s, reaper 0.5 s), {a['runs']} runs training, 2 viewers each "
             "(one per replica). Seconds are medians (min-max) of the repeats, counted from the repair (the restart, "
             "the proxy restored, or the kill); event counts are the worst run of any repeat.", "",
             "| fault | runs terminal or training again, s | every viewer receiving again, s | viewer gaps / missed / "
             "twice / renumbered | store lacks / twice | final |",
             "| --- | --- | --- | --- | --- | --- |"]
    for name, rows in r["rows"].items():
        lines.append(f"| {FAULTS[name]} | {seconds([x['recovery_s'] for x in rows])} "
                     f"| {seconds([x['viewers_back_s'] for x in rows])} "
                     f"| {' / '.join(str(worst(rows, k)) for k in ('gaps', 'missed', 'twice', 'renumbered'))} "
                     f"| {worst(rows, 'store_lacks')} / {worst(rows, 'store_twice')} "
                     f"| {counts(sum((x['final'] for x in rows), Counter()))} |")
    lines += ["", "What clients saw (all repeats together): the viewers' closes (code, or a refused connection), the "
              "statuses the first run's viewers received after the fault, and a REST probe of both replicas every "
              "250 ms from the fault to the recovery.", "",
              "| fault | viewer closes | statuses after the fault | REST answers |", "| --- | --- | --- | --- |"]
    for name, rows in r["rows"].items():
        total = {key: sum((x[key] for x in rows), Counter()) for key in ("closes", "statuses_seen", "rest")}
        lines.append(f"| {FAULTS[name]} | {counts(total['closes'])} | {counts(total['statuses_seen'])} "
                     f"| {counts(total['rest'])} |")
    return "\n".join(lines) + "\n"


def arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--faults", nargs="*", choices=list(FAULTS), default=list(FAULTS))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=3)


def main() -> None:
    run_benchmark(__doc__, SECTION, arguments, measure, report)


if __name__ == "__main__":
    main()
