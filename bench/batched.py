"""Many TF Playground default runs trained as one batch against each alone through the engine.

    python -m bench.batched [--epochs N] [--repeats R] [--write]

1, 20 and 60 runs of the TF Playground default (circle, 4-2 tanh, tanh output, squared loss, SGD 0.03,
batch 10, 500 points half for testing), each with its own train seed, streaming off: (a) each run alone
through workers.engine.train, one after another; (b) all of them submitted to one scheduler that batches
them (workers/scheduler.py), trained to the end as a scheduler process trains them. On one thread and on
two. Also the cost of one step of 60 runs of a batch (workers/batching.py's Group over BatchedPoints'
batched matmul) against torch.func.vmap over functional_call (the other way to stack runs). See
bench/README.md.
"""
from __future__ import annotations

import argparse
import datetime
import math
import os
import platform
import statistics
import time

import torch
from torch.func import functional_call, grad, vmap

from workers.config import Slice
from workers.engine import train
from workers.engine.control import Never
from workers.scheduler import Scheduler

from .results import cpu_name, write_section
from .tf_playground import spec as tf_spec

HEADING = "## Many runs batched"
COUNTS = (1, 20, 60)
TARGET = 1800.0  # aggregate epochs/s for 60 runs (issue 11: 60 runs x 30 epochs/s)


def specs(runs: int, epochs: int) -> list:
    """TF-default specs, streaming off, one train seed each (a class doing one lesson)."""
    out = []
    for i in range(runs):
        s = tf_spec(epochs, 0)
        out.append(s.model_copy(update={"train": s.train.model_copy(update={"seed": i + 1})}))
    return out


def alone(runs: int, epochs: int) -> tuple[float, float]:
    """(a) Wall and CPU seconds to train every run alone through the engine, one after another."""
    start, cpu = time.perf_counter(), time.process_time()
    for s in specs(runs, epochs):
        events = []
        train(s, events.append, Never())
        assert events[-1]["data"]["status"] == "succeeded", events[-1]
    return time.perf_counter() - start, time.process_time() - cpu


def hosted(runs: int, epochs: int) -> Scheduler:
    """A scheduler that batches, the runs submitted (as a scheduler process hosts them)."""
    scheduler = Scheduler(lambda run_id, event: None, "cpu", 64, Slice(50, 0.01), batch_limit=64)
    for i, s in enumerate(specs(runs, epochs)):
        scheduler.submit(str(i), s.model_dump_json())
    return scheduler


def batched(runs: int, epochs: int) -> tuple[float, float, float]:
    """(b) Seconds to stack the runs in one batch (their first slice), then wall and CPU seconds to train
    them to the end through the scheduler (every step, measurement and status, as in a server)."""
    start = time.perf_counter()
    scheduler = hosted(runs, epochs)
    scheduler.tick()
    built, cpu = time.perf_counter(), time.process_time()
    while scheduler.hosted:
        scheduler.tick()
    return built - start, time.perf_counter() - built, time.process_time() - cpu


def step_cost(runs: int = 60, steps: int = 500) -> dict[str, float]:
    """µs per optimizer step of `runs` runs: a Group's step (the batched matmul and each run's own loop)
    and a vmap(grad(functional_call)) SGD."""
    scheduler = hosted(runs, 1000)
    scheduler.tick()
    (group,) = scheduler.groups.values()
    group.advance(Slice(25, math.inf))
    start = time.perf_counter()
    group.advance(Slice(steps, math.inf))
    bmm = (time.perf_counter() - start) / steps

    first = group.batch.runs[0].kind
    model, head = first.model, group.batch.head
    params = {name: p.detach().clone() for name, p in group.batch.params.items()}
    xs = torch.stack([run.kind.x for run in group.batch.runs])
    ys = torch.stack([run.kind.y for run in group.batch.runs])

    def loss(p, inputs, targets):  # one run's loss, as the engine's batch_loss
        return head.loss(functional_call(model, p, (inputs,)), targets)
    step = vmap(grad(loss))
    lr = 0.03
    for _ in range(25):
        step(params, xs[:, :10], ys[:, :10])
    start = time.perf_counter()
    for i in range(steps):
        offset = (i % 25) * 10
        grads = step(params, xs[:, offset:offset + 10], ys[:, offset:offset + 10])
        torch._foreach_add_(list(params.values()), list(grads.values()), alpha=-lr)
    vmapped = (time.perf_counter() - start) / steps
    return {"bmm": bmm * 1e6, "vmap": vmapped * 1e6}


def measure(epochs: int, alone_epochs: int, repeats: int) -> dict:
    results = {}
    for threads in (1, 2):
        torch.set_num_threads(threads)
        alone(1, 5), batched(2, 5)  # warm-up: imports, allocator, first-call dispatch
        for runs in COUNTS:
            rates = {"alone": [], "batched": [], "alone_cpu": [], "batched_cpu": [], "build_ms": []}
            for _ in range(repeats):  # interleaved, so background load hits both alike
                wall, cpu = alone(runs, alone_epochs)
                rates["alone"].append(runs * alone_epochs / wall)
                rates["alone_cpu"].append(runs * alone_epochs / cpu)
                built, wall, cpu = batched(runs, epochs)
                rates["batched"].append(runs * epochs / wall)
                rates["batched_cpu"].append(runs * epochs / cpu)
                rates["build_ms"].append(built * 1e3)
            results[(threads, runs)] = {key: statistics.median(v) for key, v in rates.items()}
            results[(threads, runs)].update({f"{key}_spread": (min(rates[key]), max(rates[key]))
                                             for key in ("alone", "batched")})
        results[(threads, "step")] = step_cost()
    return {"epochs": epochs, "alone_epochs": alone_epochs, "repeats": repeats, "results": results}


def report(r: dict) -> str:
    lines = [HEADING, "",
             f"Measured {datetime.date.today().isoformat()} on {cpu_name()}, {os.cpu_count()} cores, torch "
             f"{torch.__version__}, Python {platform.python_version()}; {r['repeats']} repeats (medians), batched "
             f"runs {r['epochs']} epochs, alone runs {r['alone_epochs']}. Regenerate with "
             "`python -m bench.batched --write`; see README.md.", "",
             "| threads | runs | alone: aggregate epochs/s (min – max) | per run | per CPU-second | batched: "
             "aggregate epochs/s (min – max) | per run | per CPU-second | speed-up | batch built in |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for (threads, runs), v in r["results"].items():
        if runs == "step":
            continue
        lines.append(f"| {threads} | {runs} | {v['alone']:,.0f} ({v['alone_spread'][0]:,.0f} – "
                     f"{v['alone_spread'][1]:,.0f}) | {v['alone'] / runs:,.1f} | {v['alone_cpu']:,.0f} | "
                     f"{v['batched']:,.0f} ({v['batched_spread'][0]:,.0f} – {v['batched_spread'][1]:,.0f}) | "
                     f"{v['batched'] / runs:,.1f} | {v['batched_cpu']:,.0f} | {v['batched'] / v['alone']:.1f}× | "
                     f"{v['build_ms']:.0f} ms |")
    lines += ["", "| threads | one step of 60 runs: a batch (Group, BatchedPoints) | torch.func.vmap over "
              "functional_call (SGD) |", "|---:|---:|---:|"]
    for threads in (1, 2):
        s = r["results"][(threads, "step")]
        lines.append(f"| {threads} | {s['bmm']:.0f} µs ({s['bmm'] / 60:.1f} µs a run) | {s['vmap']:.0f} µs "
                     f"({s['vmap'] / 60:.1f} µs a run) |")
    best = max(r["results"][(t, 60)]["batched"] for t in (1, 2))
    cpu = r["results"][(1, 60)]["batched_cpu"]
    lines += ["", f"Target: 60 TF-default runs at >= {TARGET:,.0f} epochs/s in aggregate (30 each): batched "
              f"{best:,.0f} wall ({'PASS' if best >= TARGET else 'FAIL'}); {cpu:,.0f} per CPU-second on one "
              f"thread, what one core to itself would give ({'PASS' if cpu >= TARGET else 'FAIL'})."]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--epochs", type=int, default=30, help="epochs of each batched run")
    parser.add_argument("--alone-epochs", type=int, default=5, help="epochs of each alone run")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--write", action="store_true", help="write this section of RESULTS.md")
    args = parser.parse_args()
    text = report(measure(args.epochs, args.alone_epochs, args.repeats))
    print(text)
    if args.write:
        write_section(HEADING, text)
        print("wrote the section", HEADING)


if __name__ == "__main__":
    main()
