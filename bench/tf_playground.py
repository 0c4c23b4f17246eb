"""The TensorFlow Playground default, trained by the engine and by a bare PyTorch loop.

    python -m bench.tf_playground [--epochs N] [--repeats R] [--write]

Circle, 500 points, noise 0, half for training, x1 and x2, hidden 4-2 tanh, tanh output,
squared loss, SGD 0.03, batch 10. Measures epochs/s of (a) a bare loop, (b) engine.train
streaming at 20 fps, (c) engine.train with streaming off, plus the cost and size of one
boundary frame. See bench/README.md.
"""
from __future__ import annotations

import argparse
import datetime
import json
import statistics
import time

import torch
from torch import nn
from torch.nn import functional as F

from workers.engine import Spec, train
from workers.engine.control import Never
from workers.engine.kinds.points.datasets import make_data
from workers.engine.events import event
from workers.engine.loop import Run

from .results import RESULTS, one_thread_cpu, write_top

FRAME_BYTES_MAX = 32 * 1024
TARGETS = {"streaming_cost": 0.15, "epochs_per_s": 100.0}


def spec(epochs: int, max_fps: float) -> Spec:
    return Spec.model_validate({
        "data": {"dataset": "circle", "n_samples": 500, "noise": 0.0, "test_fraction": 0.5,
                 "features": ["x1", "x2"]},
        "model": {"layers": [{"units": 4, "activation": "tanh"}, {"units": 2, "activation": "tanh"}],
                  "init": "xavier_uniform", "output_activation": "tanh"},
        "train": {"loss": "mse", "optimizer": {"name": "sgd", "lr": 0.03}, "batch_size": 10, "epochs": epochs},
        "stream": {"max_fps": max_fps},
    })


def wire(ev: dict, seq: int) -> str:
    """The event as the bus sends it: numbered, compact JSON."""
    return json.dumps({**ev, "seq": seq}, separators=(",", ":"))


def bare(epochs: int) -> float:
    """(a) The reference: the same data, shape, init and optimizer, and nothing else. Returns seconds."""
    s = spec(epochs, 0)
    d = s.data
    train_split, _ = make_data(d.dataset, d.n_samples, d.noise, d.test_fraction, d.features, d.seed)
    x = torch.from_numpy(train_split.inputs)
    y = torch.from_numpy(train_split.labels).unsqueeze(1) * 2 - 1  # classes 0/1 -> targets -1/+1
    torch.manual_seed(s.train.seed)
    model = nn.Sequential(nn.Linear(2, 4), nn.Tanh(), nn.Linear(4, 2), nn.Tanh(), nn.Linear(2, 1), nn.Tanh())
    for layer in model:
        if isinstance(layer, nn.Linear):
            nn.init.xavier_uniform_(layer.weight)
            nn.init.zeros_(layer.bias)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.03)
    shuffle = torch.Generator().manual_seed(s.train.seed)
    n, size = x.shape[0], s.train.batch_size
    start = time.perf_counter()
    for _ in range(epochs):
        order = torch.randperm(n, generator=shuffle)
        xs, ys = x[order], y[order]
        for i in range(0, n, size):
            loss = 0.5 * F.mse_loss(model(xs[i:i + size]), ys[i:i + size])  # the engine's ½ squared error
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    return time.perf_counter() - start


def engine(epochs: int, max_fps: float) -> tuple[float, list[dict]]:
    """(b)/(c) engine.train, each event also serialised as the bus would (part of the streaming cost)."""
    events: list[dict] = []

    def emit(ev: dict) -> None:
        wire(ev, len(events))
        events.append(ev)

    s = spec(epochs, max_fps)
    start = time.perf_counter()
    train(s, emit, Never())
    seconds = time.perf_counter() - start
    assert events[-1]["data"]["status"] == "succeeded", events[-1]
    return seconds, events


def frame_cost(n: int = 200) -> tuple[float, float, int]:
    """Median ms to compute one boundary frame, median ms to serialise it, and its bytes on the wire."""
    run = Run(spec(1, 20), lambda ev: None, Never(), "cpu")
    compute, dump = [], []
    for _ in range(n):
        t0 = time.perf_counter()
        data = run.kind.probe.frame()
        t1 = time.perf_counter()
        text = wire(event("boundary", 0, 0.0, 0.0, data), 0)
        dump.append(time.perf_counter() - t1)
        compute.append(t1 - t0)
    return statistics.median(compute) * 1e3, statistics.median(dump) * 1e3, len(text.encode())


def measure(epochs: int, repeats: int) -> dict:
    torch.set_num_threads(1)  # one core, as workers/local.py runs every training child
    bare(20), engine(20, 20), engine(20, 0)  # warm-up: imports, allocator, first-call dispatch
    runs = {"bare": [], "stream": [], "off": []}
    frames = []
    for _ in range(repeats):  # interleaved, so background load hits all three alike
        runs["bare"].append(epochs / bare(epochs))
        seconds, events = engine(epochs, 20)
        runs["stream"].append(epochs / seconds)
        frames.append(sum(ev["type"] == "boundary" for ev in events) / seconds)
        runs["off"].append(epochs / engine(epochs, 0)[0])
    rate = {k: statistics.median(v) for k, v in runs.items()}
    frame_ms, json_ms, frame_bytes = frame_cost()
    return {"epochs": epochs, "repeats": repeats, "rate": rate, "spread": runs,
            "fps": statistics.median(frames), "frame_ms": frame_ms, "json_ms": json_ms, "frame_bytes": frame_bytes}


def table(r: dict) -> str:
    a = r["rate"]["bare"]
    rows = [("(a) bare PyTorch loop", "bare"), ("(b) engine, streaming at 20 fps", "stream"),
            ("(c) engine, streaming off", "off")]
    lines = ["| run | epochs/s (median) | min – max | vs bare | µs/step |", "|---|---:|---:|---:|---:|"]
    for label, key in rows:
        v, spread = r["rate"][key], r["spread"][key]
        lines.append(f"| {label} | {v:.1f} | {min(spread):.1f} – {max(spread):.1f} | {v / a:.2f} | "
                     f"{1e6 / (v * 25):.0f} |")  # 250 training points / batch 10 = 25 steps an epoch
    lines += ["", "| boundary frame | value |", "|---|---:|",
              f"| compute (`BoundaryProbe.frame()`, median) | {r['frame_ms']:.2f} ms |",
              f"| JSON serialisation (median) | {r['json_ms']:.2f} ms |",
              f"| size on the wire (all neuron maps) | {r['frame_bytes']:,} bytes |",
              f"| frames sent per second in (b) | {r['fps']:.1f} |"]
    return "\n".join(lines)


def verdicts(r: dict) -> list[tuple[str, str, bool]]:
    cost = 1 - r["rate"]["stream"] / r["rate"]["bare"]
    best = max(r["rate"]["stream"], r["rate"]["off"])
    return [
        ("streaming costs at most 15% of the bare loop's rate", f"(b) runs at {1 - cost:.0%} of (a): costs {cost:.0%}",
         cost <= TARGETS["streaming_cost"]),
        ("one run reaches at least 100 epochs/s on one core", f"(b) {r['rate']['stream']:.1f}, (c) "
         f"{r['rate']['off']:.1f} epochs/s", best >= TARGETS["epochs_per_s"]),
        ("a frame is at most 32 KB (32,768 bytes) on the wire", f"{r['frame_bytes']:,} bytes",
         r["frame_bytes"] <= FRAME_BYTES_MAX),
    ]


def report(r: dict) -> str:
    checks = "\n".join(f"| {target} | {measured} | {'PASS' if ok else 'FAIL'} |"
                       for target, measured, ok in verdicts(r))
    return (f"# Benchmark: the TensorFlow Playground default\n\n"
            f"Measured {datetime.date.today().isoformat()} on {one_thread_cpu()}, "
            f"{r['repeats']} repeats of {r['epochs']} epochs each (25 steps an epoch), medians.\n"
            f"Regenerate with `python -m bench.tf_playground --write`; see README.md for what is measured.\n\n"
            f"{table(r)}\n\n## Targets\n\n| target | measured | |\n|---|---|---|\n{checks}\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--epochs", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--write", action="store_true", help=f"write {RESULTS.name}")
    args = parser.parse_args()
    text = report(measure(args.epochs, args.repeats))
    print(text)
    if args.write:
        write_top(text)  # the other benchmarks' sections are kept as they are
        print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
