"""A class on one box: many runs submitted together to one embedded server, each watched on its websocket.

    python -m bench.classroom [--idle N] [--groups 20 40 60] [--window-s S] [--cnn N] [--ref DIR] [--write]

One `playground serve` as `make run` starts it (its default settings; only the limits on a run's length
and on active runs are raised so the runs last and all are admitted). First the idle latency: N runs one
after another, each from its POST to the first `boundary` frame at its viewer. Then each group: that many
TF-default runs POSTed at once, each with its own websocket viewer; for every run, the time from its POST
to its first frame, and its epochs and frames per second over a window of S seconds once every run was
submitted; the server's RSS (its whole process tree) at the window's end; then every run stopped. With
`--cnn N`, the same for a group of N digits-CNN runs (frames are `feature_maps` there).

`--ref DIR` measures a second checkout (say a `git worktree` of the commit before a change) the same way
in the same invocation, server by server, so that both sets of figures share the machine's mood.
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
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import websockets

from tests.support import ROOT, Server

from .results import cpu_name, write_section

SECTION = "## A class on one box"
EPOCHS = 1_000_000  # far beyond any window: the runs are stopped once measured
TF_DEFAULT = {"data": {"dataset": "circle", "noise": 0.0},
              "model": {"layers": [{"units": 4, "activation": "tanh"}, {"units": 2, "activation": "tanh"}]},
              "train": {"optimizer": {"name": "sgd", "lr": 0.03}, "batch_size": 10, "epochs": EPOCHS,
                        "loss": "mse"}}
DIGITS_CNN = {"data": {"dataset": "digits", "n_samples": 1797, "noise": 0.0},
              "model": {"layers": [{"type": "conv2d", "filters": 16, "kernel": 3}, {"type": "maxpool2d"},
                                   {"type": "conv2d", "filters": 32, "kernel": 3}, {"type": "maxpool2d"},
                                   {"type": "flatten"}]},
              "train": {"optimizer": {"name": "adam", "lr": 0.003}, "batch_size": 32, "epochs": EPOCHS}}
FRAME_TYPES = {"boundary", "feature_maps"}
SETTLE_S = 60.0  # how long a group may take to start before its window opens regardless


@dataclass
class Watched:
    """One run as its viewer saw it: when it was posted, its first frame, and what arrived in the window."""
    posted: float
    run_id: str = ""
    first_frame: float | None = None
    window: tuple[float, float] = (0.0, 0.0)
    epochs: list[tuple[float, float]] = field(default_factory=list)  # (arrival, epoch) of metrics events
    frames: list[float] = field(default_factory=list)  # arrivals of frames

    def rates(self) -> tuple[float, float]:
        """Epochs/s and frames/s inside the window."""
        start, end = self.window
        inside = [epoch for at, epoch in self.epochs if start <= at <= end]
        epochs = (inside[-1] - inside[0]) if len(inside) > 1 else 0.0
        return epochs / (end - start), sum(start <= at <= end for at in self.frames) / (end - start)


async def watch(http: httpx.AsyncClient, ws_url: str, spec: dict, seen: Watched, stop: asyncio.Event) -> None:
    response = await http.post("/runs", json={"spec": spec})
    response.raise_for_status()
    seen.run_id = response.json()["id"]
    async with websockets.connect(f"{ws_url}/runs/{seen.run_id}/stream", max_size=None) as ws:
        while not stop.is_set():
            try:
                message = await asyncio.wait_for(ws.recv(), timeout=0.5)
            except asyncio.TimeoutError:
                continue
            except websockets.ConnectionClosed:
                return
            now, event = time.perf_counter(), json.loads(message)
            if event["type"] in FRAME_TYPES:
                seen.first_frame = seen.first_frame or now
                seen.frames.append(now)
            elif event["type"] == "metrics":
                seen.epochs.append((now, event["epoch"]))


def cpu_seconds(pid: int) -> tuple[float, float]:
    """CPU seconds (user + system) so far of the server process `pid` itself (the API: it relays every event
    to its viewers) and of the rest of its session (the scheduler processes that train)."""
    own = rest = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                if int(stat[3]) == pid or int(entry.name) == pid:
                    used = (int(stat[11]) + int(stat[12])) / tick  # fields 14 and 15: utime, stime
                    own, rest = (own + used, rest) if int(entry.name) == pid else (own, rest + used)
            except (OSError, IndexError, ValueError):
                continue
    return own, rest


def tree_rss_mb(pid: int) -> float:
    """The resident memory of `pid` and every process of its session (the server and its children)."""
    total = 0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                if int(stat[3]) == pid or int(entry.name) == pid:  # field 5: the session id (setsid)
                    total += int((entry / "statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")
            except (OSError, IndexError, ValueError):
                continue
    return total / 2**20


async def group(server: Server, spec: dict, n: int, window_s: float, settle_s: float = SETTLE_S) -> dict:
    """Post n runs at once; the window opens once every run has its first frame (or settle_s have passed)."""
    stop = asyncio.Event()
    async with httpx.AsyncClient(base_url=server.base_url + "/api/v1", timeout=120) as http:
        runs = [Watched(posted=time.perf_counter()) for _ in range(n)]
        tasks = [asyncio.create_task(watch(http, server.ws_url, spec, seen, stop)) for seen in runs]
        settle_until = time.perf_counter() + settle_s
        while any(not seen.first_frame for seen in runs) and time.perf_counter() < settle_until:
            if failed := [t.exception() for t in tasks if t.done() and t.exception()]:
                raise failed[0]
            await asyncio.sleep(0.01)  # polling our own viewers' records, not the server
        start, cpu_start = time.perf_counter(), cpu_seconds(server.process.pid)
        await asyncio.sleep(window_s)
        end, cpu_end = time.perf_counter(), cpu_seconds(server.process.pid)
        rss = tree_rss_mb(server.process.pid)
        stop.set()
        await asyncio.gather(*tasks, return_exceptions=True)
        for seen in runs:
            seen.window = (start, end)
        await asyncio.gather(*(http.post(f"/runs/{seen.run_id}/control", json={"action": "stop"})
                               for seen in runs if seen.run_id))
    latencies = [seen.first_frame - seen.posted for seen in runs if seen.first_frame]
    rates = [seen.rates() for seen in runs]
    epochs, frames = [r[0] for r in rates], [r[1] for r in rates]
    delivered = sum(sum(start <= at <= end for at in seen.frames)
                    + sum(start <= at <= end for at, _ in seen.epochs) for seen in runs)
    api_cpu, trainers_cpu = (b - a for a, b in zip(cpu_start, cpu_end))
    return {"api_share": api_cpu / (end - start), "trainers_share": trainers_cpu / (end - start),
            "api_us_per_message": api_cpu / delivered * 1e6 if delivered else None,
            "n": n, "started": len(latencies), "p50": quantile(latencies, 0.5), "p99": quantile(latencies, 0.99),
            "epochs_median": statistics.median(epochs), "epochs_worst": min(epochs),
            "frames_median": statistics.median(frames), "frames_worst": min(frames),
            "aggregate": sum(epochs), "rss_mb": rss}


def quantile(values: list[float | None], q: float) -> float | None:
    """The q-quantile of the values that are there (None: a run that never sent a frame); None if none are."""
    ordered = sorted(v for v in values if v is not None)
    if not ordered:
        return None
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def idle(server: Server, n: int) -> list[float]:
    latencies = []
    for _ in range(n):
        result = await group(server, TF_DEFAULT, 1, 0.1)
        latencies.append(result["p50"])
    return latencies


def measure(root: Path, args: argparse.Namespace) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        # The quota under its old name, which both the new code and a --ref checkout from before it read; room for
        # every group at once, as a group's stopped runs may still be ending when the next is posted.
        # The viewers all come from one client (this one): room for every group's, or the 51st is refused (1013).
        room = str(sum(args.groups) + args.cnn + 10)
        server = Server(Path(tmp), root=root, PLAYGROUND_MAX_EPOCHS=str(EPOCHS), PLAYGROUND_MAX_STEPS=str(10**12),
                        PLAYGROUND_MAX_ACTIVE_RUNS_PER_OWNER=room, PLAYGROUND_MAX_VIEWERS_PER_CLIENT=room).start()
        try:
            results = {"idle": asyncio.run(idle(server, args.idle)), "groups": []}
            for n in args.groups:
                results["groups"].append(("TF default", asyncio.run(group(server, TF_DEFAULT, n, args.window_s))))
            if args.cnn:
                results["groups"].append(("digits CNN", asyncio.run(group(server, DIGITS_CNN, args.cnn,
                                                                          args.window_s))))
        finally:
            server.stop()
    return results


def ms(value: float | None) -> str:
    return "never" if value is None else f"{value * 1000:,.0f} ms"


GROUP_ROWS = [  # label, how a group's result reads in its cell
    ("started (a first frame) by the window's end", lambda g: f"{g['started']} of {g['n']}"),
    ("POST to first frame, p50", lambda g: ms(g["p50"])),
    ("POST to first frame, p99", lambda g: ms(g["p99"])),
    ("epochs/s per run, median / worst", lambda g: f"{g['epochs_median']:.1f} / {g['epochs_worst']:.1f}"),
    ("frames/s per run, median / worst", lambda g: f"{g['frames_median']:.1f} / {g['frames_worst']:.1f}"),
    ("aggregate epochs/s", lambda g: f"{g['aggregate']:,.0f}"),
    ("server RSS", lambda g: f"{g['rss_mb']:,.0f} MB"),
    ("CPU of the API process (relaying events) / of the training processes, in cores",
     lambda g: f"{g['api_share']:.2f} / {g['trainers_share']:.2f}"),
    ("API CPU per message delivered (frames and metrics)",
     lambda g: "-" if g["api_us_per_message"] is None else f"{g['api_us_per_message']:,.0f} µs"),
]


def report(measured: dict[str, dict], args: argparse.Namespace) -> str:
    names = list(measured)
    lines = [SECTION, "",
             f"Measured {datetime.date.today()} on {cpu_name()}, {os.cpu_count()} cores, Python "
             f"{platform.python_version()}; one embedded server with its default settings; windows of "
             f"{args.window_s:g} s. Regenerate with `python -m bench.classroom"
             + (" --ref DIR" if args.ref else "") + " --write`; see README.md for what is measured.", "",
             "| measure | " + " | ".join(names) + " |", "|---|" + "---:|" * len(names)]

    def row(label: str, cell) -> None:
        lines.append(f"| {label} | " + " | ".join(cell(measured[name]) for name in names) + " |")

    row(f"idle: POST to first frame, p50 of {args.idle}", lambda r: ms(quantile(r["idle"], 0.5)))
    row(f"idle: POST to first frame, worst of {args.idle}", lambda r: ms(quantile(r["idle"], 1.0)))
    for index, (kind, first) in enumerate(measured[names[0]]["groups"]):
        for label, cell in GROUP_ROWS:
            row(f"{first['n']} {kind} runs: {label}", lambda r, i=index, cell=cell: cell(r["groups"][i][1]))
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--idle", type=int, default=10)
    parser.add_argument("--groups", type=int, nargs="*", default=[20, 40, 60])
    parser.add_argument("--window-s", type=float, default=20.0)
    parser.add_argument("--cnn", type=int, default=20)
    parser.add_argument("--ref", type=Path, help="a second checkout to measure the same way (the code before)")
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    measured = {"this checkout": measure(ROOT, args)}
    if args.ref:
        measured[f"reference ({args.ref.name})"] = measure(args.ref.resolve(), args)
    text = report(measured, args)
    print(text)
    if args.write:
        write_section(SECTION, text)


if __name__ == "__main__":
    main()
