"""The instructor's live wall with a class training at once: its messages, its server CPU, its delay, the page.

    python -m bench.wall [--students N] [--window-s S] [--warmup-s W] [--repeats R] [--projector] [--write]

One embedded `playground serve` with accounts. An instructor opens a class; N students join it and each
starts a TF-default run, followed by that student's own stream viewer (as their page would), all in one
asyncio client on a thread of its own. Windows of S seconds follow, once every run has sent metrics: (A)
without the wall, then R times (B) with one instructor wall socket and (A) again, then (C) with the
instructor's wall page in headless Chromium instead. (A) and (B) give the API process's CPU time (its
training children not counted) without and with the wall; (B) the wall's messages and the delay from each metrics
event to the first tile that carries it; (C) the page's main-thread busy share (CDP TaskDuration, as
bench/ui_stream.py measures it). See bench/README.md.
"""
from __future__ import annotations

import argparse
import asyncio
import datetime
import json
import math
import os
import platform
import statistics
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import websockets
from playwright.sync_api import sync_playwright

from tests.classroom import PASSWORD, add_user, join, new_class, sign_in
from tests.e2e.conftest import CHROMIUM_ARGS, CHROMIUM_PATH
from tests.support import Server, wait_until
from workers.engine.status import TERMINAL

from .classroom import EPOCHS, TF_DEFAULT, quantile
from .results import cpu_name, run_benchmark
from .ui_stream import metrics as cdp_metrics

SECTION = "## The instructor's wall"
TEACHER = "bench-teacher"
SETTLE_S = 120.0  # how long the class may take to start before the windows open regardless
TARGETS = {"p99_s": 1.0, "busy": 0.50, "updates_per_s": 2.0}
TILES_JS = "() => document.querySelectorAll('[data-testid=wall-tile]').length"
COUNTERS_JS = "() => ({...window.__playground})"


@dataclass
class Student:
    """One student's run as their own viewer saw it."""
    token: str
    run_id: str
    offset: float = math.inf  # min over its events of (arrival - event time): when the run started, on our clock
    event_time: dict[float, float] = field(default_factory=dict)  # metrics epoch -> the event's own time
    epochs_seen: list[tuple[float, float]] = field(default_factory=list)  # (arrival, epoch)

    def emitted(self, epoch: float) -> float | None:
        """When the metrics event of `epoch` was sent, on this process's monotonic clock (the engine's too)."""
        at = self.event_time.get(epoch)
        return None if at is None or math.isinf(self.offset) else self.offset + at


async def view(ws_url: str, student: Student, stop: threading.Event) -> None:
    async with websockets.connect(f"{ws_url}/runs/{student.run_id}/stream?token={student.token}", max_size=None) as ws:
        while not stop.is_set():
            try:
                message = await asyncio.wait_for(ws.recv(), timeout=0.5)
            except asyncio.TimeoutError:
                continue
            except websockets.ConnectionClosed:
                return
            now = time.monotonic()
            if '"type":"metrics"' not in message[:40]:  # frames are the bulk: only metrics are read
                continue
            event = json.loads(message)
            student.offset = min(student.offset, now - event["time"])
            student.event_time[event["epoch"]] = event["time"]
            student.epochs_seen.append((now, event["epoch"]))


class Client:
    """The students' viewers and the instructor's wall socket, in one asyncio loop on a thread of its own: the
    wall's window adds a socket to the loop, not a thread competing with the viewers for the interpreter."""

    def __init__(self):
        self.loop, self.stop, self.viewers = asyncio.new_event_loop(), threading.Event(), []
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def run(self, coroutine):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result()

    def follow(self, ws_url: str, students: list[Student]) -> None:
        async def spawn() -> None:
            self.viewers = [asyncio.create_task(view(ws_url, s, self.stop)) for s in students]
        self.run(spawn())

    def close(self) -> None:
        if self.stop.is_set():
            return
        self.stop.set()
        if self.viewers:
            self.run(asyncio.wait(self.viewers, timeout=10))
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of one process (the API server; its training children are processes of their own)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_window(pid: int, seconds: float) -> dict:
    """(A): the API's CPU time per second over a window without the wall."""
    before, start = cpu_seconds(pid), time.monotonic()
    time.sleep(seconds)  # a measurement window, not a synchronisation
    end = time.monotonic()
    return {"cpu": (cpu_seconds(pid) - before) / (end - start), "span": (start, end)}


async def wall_window(url: str, runs: set[str], pid: int, warmup: float, seconds: float) -> dict:
    """(B): one wall socket; every message's arrival, run and epoch inside the window, and the API's CPU."""
    async with websockets.connect(url, max_size=None) as ws:
        async def recv(until: float) -> dict | None:
            try:
                return json.loads(await asyncio.wait_for(ws.recv(), max(until - time.monotonic(), 0.001)))
            except asyncio.TimeoutError:
                return None
        seen: set[str] = set()
        deadline = time.monotonic() + SETTLE_S
        while not runs <= seen and (tile := await recv(deadline)):
            seen.add(tile["run"])
        warm_until = time.monotonic() + warmup
        while await recv(warm_until):
            pass
        messages, cpu_before, start = [], cpu_seconds(pid), time.monotonic()
        while tile := await recv(start + seconds):
            messages.append((time.monotonic(), tile["run"], tile["epoch"]))
        end = time.monotonic()
        return {"messages": messages, "seconds": end - start, "span": (start, end),
                "cpu": (cpu_seconds(pid) - cpu_before) / (end - start)}


def delays(messages: list[tuple[float, str, float]], students: list[Student]) -> list[float]:
    """From each metrics event to the first wall message carrying its epoch."""
    by_run, first = {s.run_id: s for s in students}, {}
    for arrival, run, epoch in messages:
        first.setdefault((run, epoch), arrival)
    found = []
    for (run, epoch), arrival in first.items():
        emitted = by_run[run].emitted(epoch) if epoch > 0 else None
        if emitted is not None:
            found.append(arrival - emitted)
    return found


def page_window(server: Server, class_id: str, n: int, warmup: float, seconds: float, projector: bool) -> dict:
    """(C): the instructor's wall page in headless Chromium; its main-thread busy share over the window."""
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 720})
            signed = context.request.post(server.base_url + "/api/v1/auth/token",
                                          form={"username": TEACHER, "password": PASSWORD})  # the page's cookie
            assert signed.ok, signed.text()
            page = context.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(f"{server.base_url}/?wall={class_id}" + ("&projector=1" if projector else ""))
            page.wait_for_function(f"n => ({TILES_JS})() >= n", arg=n, timeout=SETTLE_S * 1000)
            cdp = context.new_cdp_session(page)
            cdp.send("Performance.enable")
            page.wait_for_timeout(warmup * 1000)
            before = {**page.evaluate(COUNTERS_JS), **cdp_metrics(cdp), "t": time.perf_counter()}
            page.wait_for_timeout(seconds * 1000)  # a measurement window
            after = {**page.evaluate(COUNTERS_JS), **cdp_metrics(cdp), "t": time.perf_counter()}
            if errors:
                raise RuntimeError(f"the wall page failed: {errors}")
            dt = after["t"] - before["t"]
            return {"busy": (after["TaskDuration"] - before["TaskDuration"]) / dt,
                    "script": (after["ScriptDuration"] - before["ScriptDuration"]) / dt,
                    "received": (after["wallMessages"] - before["wallMessages"]) / dt,
                    "painted": (after["wallPainted"] - before["wallPainted"]) / dt, "chromium": browser.version}
        finally:
            browser.close()


def training_rate(students: list[Student], spans: list[tuple[float, float]]) -> float:
    """Epochs per second of all runs together over some windows, from their viewers' metrics."""
    total = 0.0
    for start, end in spans:
        for s in students:
            inside = [epoch for at, epoch in s.epochs_seen if start <= at <= end]
            total += (inside[-1] - inside[0]) if len(inside) > 1 else 0.0
    return total / sum(end - start for start, end in spans)


def measure(args: argparse.Namespace) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-wall-") as tmp:
        server = Server(Path(tmp), PLAYGROUND_AUTH="accounts", PLAYGROUND_MAX_EPOCHS=str(EPOCHS),
                        PLAYGROUND_MAX_STEPS=str(10**12)).start()
        client = Client()
        try:
            add_user(server, TEACHER, "instructor")
            teacher = sign_in(server, TEACHER)
            made = new_class(teacher, "Benchmark class")
            students = []
            for i in range(args.students):
                api = join(server, made["join_code"], f"Student {i + 1:02d}")
                students.append(Student(api.token, api.submit(TF_DEFAULT)["id"]))
            client.follow(server.ws_url, students)
            deadline = time.monotonic() + SETTLE_S
            while any(not s.epochs_seen for s in students) and time.monotonic() < deadline:
                time.sleep(0.1)  # polling our own viewers' records, not the server
            pid, url = server.process.pid, f"{server.ws_url}/classes/{made['id']}/wall?token={teacher.token}"
            baselines, walls = [cpu_window(pid, args.window_s)], []
            for _ in range(args.repeats):  # A, B, A, B, ..., A: a drift in the training load hits both alike
                walls.append(client.run(wall_window(url, {s.run_id for s in students}, pid, args.warmup_s,
                                                    args.window_s)))
                baselines.append(cpu_window(pid, args.window_s))
            page = page_window(server, made["id"], len(students), args.warmup_s, args.window_s, args.projector)
            client.close()
            for s in students:
                teacher.control(s.run_id, "stop")  # the instructor reaches every run of the class
            wait_until(lambda: all(run["status"] in TERMINAL for run in
                                   teacher.http.get(f"/classes/{made['id']}/runs").json()), what="the runs to stop")
        finally:
            client.close()
            server.stop()
    seconds = sum(w["seconds"] for w in walls)
    wall = {"messages": [m for w in walls for m in w["messages"]], "seconds": seconds,
            "cpu": sum(w["cpu"] * w["seconds"] for w in walls) / seconds}
    return {"students": students, "baseline_cpu": statistics.mean(b["cpu"] for b in baselines), "wall": wall,
            "page": page, "epochs_without": training_rate(students, [b["span"] for b in baselines]),
            "epochs_with": training_rate(students, [w["span"] for w in walls]), "args": args}


def summary(r: dict) -> dict:
    wall, n = r["wall"], len(r["students"])
    per_run = Counter(run for _, run, _ in wall["messages"])
    rates = [per_run.get(s.run_id, 0) / wall["seconds"] for s in r["students"]]
    found = delays(wall["messages"], r["students"])
    return {"n": n, "rate": len(wall["messages"]) / wall["seconds"], "per_run_min": min(rates),
            "per_run_max": max(rates), "cpu_without": r["baseline_cpu"], "cpu_with": wall["cpu"],
            "p50": quantile(found, 0.5), "p99": quantile(found, 0.99), "delays": len(found), **r["page"]}


def report(r: dict) -> str:
    s, args = summary(r), r["args"]
    ms = lambda v: "–" if v is None else f"{v * 1000:,.0f} ms"  # noqa: E731
    rows = [
        ("students training at once (TF default, each with its own viewer)", f"{s['n']}"),
        ("their training, epochs/s in all: without the wall (A) / with it (B)",
         f"{r['epochs_without']:,.0f} / {r['epochs_with']:,.0f}"),
        ("wall messages /s (one socket)", f"{s['rate']:,.1f}"),
        ("tile updates per run /s, least / most", f"{s['per_run_min']:.1f} / {s['per_run_max']:.1f}"),
        (f"API process CPU without the wall (A, mean of {args.repeats + 1} windows)",
         f"{s['cpu_without']:.0%} of a core"),
        (f"API process CPU with the wall (B, {args.repeats} windows)", f"{s['cpu_with']:.0%} of a core"),
        ("… spent on the wall (B − A)", f"{s['cpu_with'] - s['cpu_without']:+.0%} of a core"),
        (f"metrics event to its tile, p50 ({s['delays']:,} tiles)", ms(s["p50"])),
        ("metrics event to its tile, p99", ms(s["p99"])),
        ("instructor page: main thread busy (TaskDuration)", f"{s['busy']:.0%}"),
        ("… of which script", f"{s['script']:.0%}"),
        ("instructor page: messages received /s, pictures painted /s", f"{s['received']:,.0f} / {s['painted']:,.0f}"),
    ]
    checks = [
        (f"each tile updates at least {TARGETS['updates_per_s']:g} times a second", f"{s['per_run_min']:.1f}",
         s["per_run_min"] >= TARGETS["updates_per_s"]),
        ("metrics event to tile, p99 under 1 s", ms(s["p99"]), s["p99"] is not None and s["p99"] < TARGETS["p99_s"]),
        ("instructor page's main thread under 50 % busy", f"{s['busy']:.0%}", s["busy"] < TARGETS["busy"]),
    ]
    table = "\n".join(f"| {label} | {value} |" for label, value in rows)
    verdicts = "\n".join(f"| {t} | {m} | {'PASS' if ok else 'FAIL'} |" for t, m, ok in checks)
    return (f"{SECTION}\n\n"
            f"Measured {datetime.date.today().isoformat()} on {cpu_name()}, {os.cpu_count()} cores, Python "
            f"{platform.python_version()}, Chromium {s['chromium']} (headless, no GPU, 1280×720"
            f"{', projector mode' if args.projector else ''}); one embedded server with accounts, the students' "
            f"runs and viewers, the benchmark and the browser on the same cores. Windows of {args.window_s:g} s "
            f"after {args.warmup_s:g} s of warm-up. Regenerate with `python -m bench.wall --write`; see README.md "
            f"for what is measured.\n\n| measure | |\n|---|---:|\n{table}\n\n### Targets\n\n"
            f"| target | measured | |\n|---|---|---|\n{verdicts}\n")


def arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--students", type=int, default=60)
    parser.add_argument("--window-s", type=float, default=20.0, help="seconds per window (default 20)")
    parser.add_argument("--warmup-s", type=float, default=3.0, help="seconds before windows B and C (default 3)")
    parser.add_argument("--repeats", type=int, default=2, help="B windows, each between two A windows (default 2)")
    parser.add_argument("--projector", action="store_true", help="measure the page in projector mode")


def main() -> None:
    run_benchmark(__doc__, SECTION, arguments, measure, report)


if __name__ == "__main__":
    main()
