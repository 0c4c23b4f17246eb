"""The autoencoder lessons' claims over seeds and thread counts: each lesson (its spec and its compare) trained
again with data and training seeds 1, 2, 3 and 4, on 1 and on 2 threads, and its claim's ratio measured
(workers/engine/kinds/autoencoders/claims.py: the claim holds below the lesson's `below`).

    .venv/bin/python -m bench.autoencoder_lessons            # prints the markdown section
    .venv/bin/python -m bench.autoencoder_lessons --write    # ... and writes it into bench/RESULTS.md

The reference of every ratio is measured in the same run: the lesson's compare run (or the run's own first
epoch), trained right before or after it under the same load.
"""
from __future__ import annotations

import argparse
import datetime
import os
import platform
import time

import torch

from workers.engine.kinds.autoencoders.claims import ratio
from workers.engine.kinds.autoencoders.presets import AUTOENCODER_PRESETS

from .results import cpu_name, write_section

HEADING = "## Autoencoder lessons"
SEEDS = (1, 2, 3, 4)
THREADS = (1, 2)


def measure(seeds=SEEDS, threads=THREADS) -> list[dict]:
    rows = []
    for preset in AUTOENCODER_PRESETS:
        for count in threads:
            torch.set_num_threads(count)
            started = time.monotonic()
            ratios = [ratio(preset, seed) for seed in seeds]
            rows.append({"name": preset["name"], "threads": count, "ratios": ratios,
                         "below": preset["claim"]["below"], "seconds": time.monotonic() - started})
    return rows


def report(rows: list[dict], load: tuple[float, float]) -> str:
    lines = [HEADING, "",
             f"Measured {datetime.date.today()} on {cpu_name()}, {os.cpu_count()} cores, torch {torch.__version__}, "
             f"Python {platform.python_version()}; load average {load[0]:.2f} before and {load[1]:.2f} after "
             "(other helpers shared the machine). Regenerate with `python -m bench.autoencoder_lessons --write`.",
             "Each ratio is the claim's measure of its run over that of its reference (the compare run, or the "
             "run's first epoch), seeds " + ", ".join(map(str, SEEDS)) + " for data and training; the claim holds "
             "below `below`. The fast test (tests/workers/engine/test_autoencoder_lessons.py) checks the lessons as "
             "they are, on one thread.", "",
             "| lesson | threads | ratio per seed | worst | below | seconds | |", "|---|---:|---|---:|---:|---:|---|"]
    for r in rows:
        worst = max(r["ratios"])
        verdict = "PASS" if worst < r["below"] else "FAIL"
        lines.append(f"| {r['name']} | {r['threads']} | {', '.join(f'{x:.3f}' for x in r['ratios'])} | {worst:.3f} "
                     f"| {r['below']} | {r['seconds']:.0f} | {verdict} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--write", action="store_true", help="write the section into bench/RESULTS.md")
    args = parser.parse_args()
    before = os.getloadavg()[0]
    rows = measure()
    text = report(rows, (before, os.getloadavg()[0]))
    print(text)
    if args.write:
        write_section(HEADING, text)


if __name__ == "__main__":
    main()
