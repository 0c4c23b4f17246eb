"""The browser while a run streams: Play to the first moved pixel, boundary frames drawn per second,
main-thread load (with and without live changes of the learning rate), memory.

    python -m bench.ui_stream [--plays P] [--windows N] [--window-s S] [--live-windows L] [--live-every E]
                              [--minutes M] [--sample-s S] [--write]

A real `playground serve` (training in child processes on the same cores) and the built page in
headless system Chromium at 1280x720. First P fresh loads of the default page, each timed from Play
to the first pixel of the boundary that moves (its median). Then the page's default run, with epochs
raised so it lasts and `stream.max_fps = 20`. Frames: N windows of S seconds after a warm-up, from the
page's `window.__playground` counters and CDP's TaskDuration; then L windows with the learning rate
changed live every E seconds. Memory: M minutes of samples, each after a forced GC. See bench/README.md.
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import statistics
import tempfile
import time
from pathlib import Path

from playwright.sync_api import CDPSession, Page, Route, sync_playwright

from tests.e2e.conftest import CHROMIUM_ARGS, CHROMIUM_PATH, SETTLED_JS
from tests.e2e.test_browser import CANVAS_SUM_JS
from tests.support import Server

from .results import RESULTS, cpu_name, write_section

SECTION = "## Browser streaming"
RUNS_URL = re.compile(r"/api/v1/runs$")
EPOCHS = 10_000_000  # far beyond the benchmark; the server below is started with limits to match
WARMUP_S = 5.0
TARGETS = {"drawn_ratio": 0.99, "busy": 0.50, "heap_growth_kb": 1024, "node_growth": 100}

COUNTERS_JS = """() => ({...window.__playground, raf: window.__benchRaf || 0,
  epoch: parseFloat(document.querySelector('[data-testid=epoch]').textContent) || 0})"""
# Counts the page's animation frames, to show whether the browser itself keeps its frame rate.
RAF_JS = "window.__benchRaf = 0; (function tick() { window.__benchRaf++; requestAnimationFrame(tick); })();"


NUM, PCT = "{:.1f}".format, "{:.0%}".format
ROWS = [  # the streaming table: label, key in rates(), format
    ("boundary events received /s", "received", NUM), ("boundary frames drawn /s", "drawn", NUM),
    ("drawn / received", "ratio", "{:.3f}".format), ("main thread busy (TaskDuration)", "busy", PCT),
    ("… of which script", "script", PCT), ("main thread CPU time", "thread", PCT),
    ("renderer process CPU time (all its threads)", "process", PCT), ("page animation frames /s (rAF)", "raf", NUM),
    ("training epochs /s (the page's epoch counter)", "epochs", NUM),
]


def metrics(cdp: CDPSession) -> dict[str, float]:
    return {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}


def sample(page: Page, cdp: CDPSession) -> dict[str, float]:
    return {**page.evaluate(COUNTERS_JS), **metrics(cdp), "t": time.perf_counter()}


# Play pressed in the page, then every animation frame a checksum of the boundary's pixels until one
# changes: the milliseconds to the first boundary event received and to the first moved pixel. (The run's
# first frame is its untrained network, the picture already on show, so it moves nothing.)
FIRST_MOVE_JS = """() => new Promise((resolve) => {
  const sum = () => (CANVAS_SUM)('[data-testid=boundary]');
  const before = sum(), events = window.__playground.boundaryEvents;
  const play = document.querySelector('[data-testid=play]');
  let start = 0, received = null;
  const tick = () => {
    const now = performance.now();
    if (received === null && window.__playground.boundaryEvents > events) received = now - start;
    if (sum() !== before) resolve({ received, moved: now - start });
    else requestAnimationFrame(tick);
  };
  play.addEventListener('click', () => { start = performance.now(); requestAnimationFrame(tick); }, { once: true });
  play.click();
  setTimeout(() => resolve({ received, moved: null }), 120000);  // a safety net, reported as a failure
})""".replace("CANVAS_SUM", CANVAS_SUM_JS)
# Both previews (the data, the untrained network) shown, and two frames painted since: the picture Play starts from.
PREVIEWED_JS = "() => window.__playground && window.__playground.previewsShown >= 2"


def play_to_first_move(page: Page, base_url: str, plays: int) -> list[dict]:
    """Each on a fresh load of the default page: Play to the first moved pixel of the boundary; the run is
    stopped after, so the next one starts on an idle server."""
    rows = []
    for _ in range(plays):
        page.goto(base_url + "/")
        page.wait_for_function(PREVIEWED_JS, timeout=120_000)
        page.evaluate(SETTLED_JS)
        with page.expect_response(lambda r: RUNS_URL.search(r.url) and r.request.method == "POST") as created:
            timing = page.evaluate(FIRST_MOVE_JS)
        if timing["moved"] is None:
            raise RuntimeError("the boundary did not move within 120 s of Play")
        rows.append(timing)
        page.request.post(f"{base_url}/api/v1/runs/{created.value.json()['id']}/control", data={"action": "stop"})
    return rows


def start_run(page: Page, base_url: str) -> dict:
    """Open the page, press play with the run lengthened, wait for the first drawn frame; the spec sent."""
    posted: list[dict] = []

    def lengthen(route: Route) -> None:
        if route.request.method != "POST":
            return route.continue_()
        body = json.loads(route.request.post_data or "{}")
        body["spec"].setdefault("train", {})["epochs"] = EPOCHS
        body["spec"].setdefault("stream", {})["max_fps"] = 20
        posted.append(body["spec"])
        route.continue_(post_data=json.dumps(body))

    page.route(RUNS_URL, lengthen)
    page.add_init_script(RAF_JS)
    page.goto(base_url + "/")
    with page.expect_response(lambda r: RUNS_URL.search(r.url) and r.request.method == "POST") as created:
        page.get_by_test_id("play").click()
    assert created.value.status == 201, created.value.text()
    page.wait_for_function("() => window.__playground && window.__playground.framesDrawn > 0", timeout=120_000)
    return posted[0]


def rates(before: dict, after: dict) -> dict[str, float]:
    """Per-second rates between two samples, and the share of boundary frames drawn."""
    d = {k: after[k] - before[k] for k in after if isinstance(before.get(k), (int, float))}
    dt = d["t"]
    return {"received": d["boundaryEvents"] / dt, "drawn": d["framesDrawn"] / dt,
            "ratio": d["framesDrawn"] / max(d["boundaryEvents"], 1), "busy": d["TaskDuration"] / dt,
            "script": d["ScriptDuration"] / dt, "thread": d["ThreadTime"] / dt, "process": d["ProcessTime"] / dt,
            "raf": d["raf"] / dt, "epochs": d["epoch"] / dt}


def frame_windows(page: Page, cdp: CDPSession, windows: int, seconds: float) -> list[dict]:
    page.wait_for_timeout(WARMUP_S * 1000)
    rows, before = [], sample(page, cdp)
    for _ in range(windows):
        page.wait_for_timeout(seconds * 1000)  # a measurement window, not a synchronisation
        after = sample(page, cdp)
        rows.append(rates(before, after))
        before = after
    return rows


LIVE_RATES = ("0.1", "0.03")  # the learning rates the page's menu alternates between


def live_windows(page: Page, cdp: CDPSession, windows: int, seconds: float, every: float) -> list[dict]:
    """Windows like frame_windows', with the learning rate changed through the page's menu every `every`
    seconds (each a live `set` and a marker on the charts); the markers counted show they all arrived."""
    markers = page.locator("[data-testid=loss-chart] [data-testid=chart-marker]")
    before_count, changes = markers.count(), 0
    rows, before = [], sample(page, cdp)
    for _ in range(windows):
        start = time.perf_counter()
        for k in range(max(1, round(seconds / every))):
            page.wait_for_timeout(max(0.0, start + k * every - time.perf_counter()) * 1000)  # the pace of the changes
            page.get_by_test_id("learning-rate").select_option(LIVE_RATES[changes % 2])
            changes += 1
        page.wait_for_timeout(max(0.0, start + seconds - time.perf_counter()) * 1000)  # the window's end
        after = sample(page, cdp)
        rows.append({**rates(before, after), "changes": changes})
        before = after
    page.wait_for_function("([n]) => document.querySelectorAll("
                           "'[data-testid=loss-chart] [data-testid=chart-marker]').length >= n",
                           arg=[before_count + changes], timeout=30_000)
    return rows


def memory(page: Page, cdp: CDPSession, minutes: float, every: float) -> tuple[list[tuple], dict]:
    """(minutes since the first sample, JS heap used in bytes, DOM nodes) after a forced GC, every `every`
    seconds; and the rates over the last interval (one GC in it), to see whether the page keeps up late on."""
    samples, start, previous, last = [], time.perf_counter(), None, {}
    for k in range(int(minutes * 60 / every + 1e-9) + 1):
        page.wait_for_timeout(max(0.0, start + k * every - time.perf_counter()) * 1000)
        now = sample(page, cdp)
        last = rates(previous, now) if previous else last
        cdp.send("HeapProfiler.collectGarbage")
        m = metrics(cdp)
        samples.append(((time.perf_counter() - start) / 60, m["JSHeapUsedSize"], m["Nodes"]))
        previous = now
    return samples, last


def trend(samples: list[tuple[float, float, float]], column: int) -> tuple[float, float, float]:
    """Least-squares slope per minute over the second half of the samples, the growth it implies there,
    and that half's length in minutes."""
    half = samples[(len(samples) - 1) // 2:]
    if len(half) < 2:
        return float("nan"), float("nan"), 0.0
    span = half[-1][0] - half[0][0]
    slope = statistics.linear_regression([s[0] for s in half], [s[column] for s in half]).slope
    return slope, slope * span, span


def measure(plays: int, windows: int, window_s: float, live: int, live_every: float, minutes: float,
            every: float) -> dict:
    with tempfile.TemporaryDirectory(prefix="ui-stream-") as tmp, sync_playwright() as pw:
        server = Server(Path(tmp), PLAYGROUND_MAX_EPOCHS=str(EPOCHS), PLAYGROUND_MAX_STEPS=str(10**12),
                        PLAYGROUND_DEVICE="cpu").start()
        browser = pw.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)
        try:
            page = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            cdp = page.context.new_cdp_session(page)
            cdp.send("Performance.enable")
            first_moves = play_to_first_move(page, server.base_url, plays)
            spec = start_run(page, server.base_url)
            frames = frame_windows(page, cdp, windows, window_s)
            changing = live_windows(page, cdp, live, window_s, live_every)
            mem, late = memory(page, cdp, minutes, every)
            status = page.get_by_test_id("status").text_content()
            if status != "running" or errors:
                raise RuntimeError(f"the run did not stream throughout: status {status!r}, page errors {errors}")
            return {"spec": spec, "frames": frames, "memory": mem, "late": late, "chromium": browser.version,
                    "windows": windows, "window_s": window_s, "every": every, "first_moves": first_moves,
                    "live": changing, "live_every": live_every}
        finally:
            browser.close()
            server.stop()


def median(rows: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in rows)


def tables(r: dict) -> str:
    moves = r["first_moves"]
    lines = [f"| from Play, on a fresh load of the default page | median of {len(moves)} | min – max |",
             "|---|---:|---:|"]
    for label, key in [("first boundary event received", "received"), ("first moved pixel of the boundary", "moved")]:
        values = [m[key] for m in moves if m[key] is not None]
        lines.append(f"| {label} | {statistics.median(values):.0f} ms | {min(values):.0f} – {max(values):.0f} ms |"
                     if values else f"| {label} | – | – |")
    rows, live = r["frames"], r["live"]
    lines += ["", f"| while streaming | per window: median | min – max | with live changes (every "
              f"{r['live_every']:g} s): median | last memory interval |", "|---|---:|---:|---:|---:|"]
    for label, key, f in ROWS:
        values = [x[key] for x in rows]
        late = f(r["late"][key]) if r["late"] else "–"
        changing = f(median(live, key)) if live else "–"
        lines.append(f"| {label} | {f(statistics.median(values))} | {f(min(values))} – {f(max(values))} | "
                     f"{changing} | {late} |")
    mem = r["memory"]
    lines += ["", "| memory, after a forced GC | first | last | max | slope over the last half |",
              "|---|---:|---:|---:|---:|"]
    for label, col, f, unit, scale in [("JS heap used", 1, lambda v: f"{v / 2**20:.2f} MB", "KB/min", 1 / 1024),
                                       ("DOM nodes", 2, lambda v: f"{v:,.0f}", "/min", 1)]:
        values = [s[col] for s in mem]
        slope = trend(mem, col)[0]
        lines.append(f"| {label} | {f(values[0])} | {f(values[-1])} | {f(max(values))} | "
                     f"{slope * scale:+,.1f} {unit} |")
    return "\n".join(lines)


def verdicts(r: dict) -> list[tuple[str, str, bool]]:
    ratio, busy = median(r["frames"], "ratio"), median(r["frames"], "busy")
    live_busy = median(r["live"], "busy") if r["live"] else float("nan")
    _, heap, half = trend(r["memory"], 1)
    nodes = trend(r["memory"], 2)[1]
    return [
        (f"every boundary frame drawn (drawn / received ≥ {TARGETS['drawn_ratio']})", f"{ratio:.3f}",
         ratio >= TARGETS["drawn_ratio"]),
        ("main thread under 50% busy", f"{busy:.0%}", busy < TARGETS["busy"]),
        ("… and with the learning rate changed live", f"{live_busy:.0%}", live_busy < TARGETS["busy"]),
        ("JS heap flat: grows at most 1 MB over the last half", f"{heap / 1024:+,.0f} KB over {half:.1f} min",
         heap <= TARGETS["heap_growth_kb"] * 1024),
        (f"DOM nodes flat: at most {TARGETS['node_growth']} more over the last half",
         f"{nodes:+,.0f} over {half:.1f} min", nodes <= TARGETS["node_growth"]),
    ]


def machine() -> str:
    return f"{cpu_name()}, {os.cpu_count()} cores, {platform.system()} {platform.release()}"


def report(r: dict) -> str:
    spec = r["spec"]
    layers = "-".join(str(layer.get("units", layer.get("type"))) for layer in spec.get("model", {}).get("layers", []))
    checks = "\n".join(f"| {t} | {m} | {'PASS' if ok else 'FAIL'} |" for t, m, ok in verdicts(r))
    minutes = r["memory"][-1][0]
    return (f"{SECTION}\n\n"
            f"Measured {datetime.date.today().isoformat()} on {machine()}, Chromium {r['chromium']} "
            f"(headless, no GPU), viewport 1280×720, the server and its training child on the same cores.\n"
            f"The page's default run ({spec['data']['dataset']}, hidden layers {layers or 'none'}) with "
            f"`stream.max_fps = 20` and epochs raised so it lasts; {r['windows']} windows of "
            f"{r['window_s']:g} s after a {WARMUP_S:g} s warm-up, medians; {len(r['live'])} more with the "
            f"learning rate changed live every {r['live_every']:g} s; then {minutes:.1f} minutes of memory "
            f"samples every {r['every']:g} s. Before it, {len(r['first_moves'])} fresh loads timed from Play.\n"
            f"Regenerate with `python -m bench.ui_stream --write`; see README.md for what is measured.\n\n"
            f"{tables(r)}\n\n### Targets\n\n| target | measured | |\n|---|---|---|\n{checks}\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--plays", type=int, default=10, help="fresh loads timed from Play (default 10)")
    parser.add_argument("--windows", type=int, default=5, help="frame-rate windows (default 5)")
    parser.add_argument("--window-s", type=float, default=10.0, help="seconds per window (default 10)")
    parser.add_argument("--live-windows", type=int, default=3, help="windows with live changes (default 3)")
    parser.add_argument("--live-every", type=float, default=1.0, help="seconds between live changes (default 1)")
    parser.add_argument("--minutes", type=float, default=10.0, help="minutes of memory samples (default 10)")
    parser.add_argument("--sample-s", type=float, default=30.0, help="seconds between memory samples (default 30)")
    parser.add_argument("--write", action="store_true", help=f"write the section in {RESULTS.name}")
    args = parser.parse_args()
    text = report(measure(args.plays, args.windows, args.window_s, args.live_windows, args.live_every, args.minutes,
                          args.sample_s))
    print(text)
    if args.write:
        write_section(SECTION, text)  # the other benchmarks' sections are kept as they are
        print(f"wrote {SECTION!r} in {RESULTS}")


if __name__ == "__main__":
    main()
