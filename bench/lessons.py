"""Every lesson at full length, its claim checked: `python -m bench.lessons [--write] [--only NAME ...]`.

tests/workers/engine/test_lessons.py checks the 2-D lessons' claims in the suite; the image and sequence
lessons take minutes each, so only this benchmark runs them as they are. Each lesson (and its compare run,
when its claim uses one) trains on each of its claim's seeds, on one thread as every training process does,
and its checks are evaluated on the medians (workers/engine/claims.py). --write puts the table in
bench/RESULTS.md ("## Lessons and their claims"); --json FILE keeps every run's measured values.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time

import torch

from workers.engine.claims import Claim, measure, run_events, variant, verdicts
from workers.engine.presets import PRESETS

from .results import one_thread_cpu, write_section

HEADING = "## Lessons and their claims"


def run_lesson(preset: dict) -> dict:
    claim = Claim.model_validate(preset["claim"])
    which = ["lesson"] + (["compare"] if "compare" in preset else [])
    started = time.process_time()
    measured = {w: [measure(run_events(variant(preset, w, seed))) for seed in claim.seeds] for w in which}
    answers = verdicts(claim, measured["lesson"], measured.get("compare", []))
    return {"name": preset["name"], "topics": preset["topics"], "seeds": claim.seeds, "measured": measured,
            "verdicts": answers, "cpu_seconds": round(time.process_time() - started, 1)}


def table(results: list[dict]) -> str:
    lines = ["| lesson | topics | claim: measured (median over seeds) | holds | CPU s |", "|---|---|---|---|---:|"]
    for r in results:
        checks = "<br>".join(sentence for sentence, _ in r["verdicts"])
        holds = "PASS" if all(h for _, h in r["verdicts"]) else "FAIL"
        lines.append(f"| `{r['name']}` | {', '.join(r['topics'])} | {checks} (seeds {', '.join(map(str, r['seeds']))})"
                     f" | {holds} | {r['cpu_seconds']} |")
    return "\n".join(lines)


def report(results: list[dict], load: str) -> str:
    passed = sum(all(h for _, h in r["verdicts"]) for r in results)
    return (f"{HEADING}\n\nMeasured {time.strftime('%Y-%m-%d')} on {one_thread_cpu()}; {load}. Every lesson as "
            f"GET /presets serves it, at full length; `python -m bench.lessons --write` regenerates this table "
            f"(the 2-D lessons' claims are also checked by tests/workers/engine/test_lessons.py). "
            f"**{passed} of {len(results)} claims hold.**\n\n{table(results)}\n")


def _plain(value):
    return None if isinstance(value, float) and math.isinf(value) else value


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", nargs="*", help="lesson names (default: every lesson)")
    parser.add_argument("--write", action="store_true", help="write the table into bench/RESULTS.md")
    parser.add_argument("--json", help="write every run's measured values to this file")
    parser.add_argument("--threads", type=int, default=1, help="torch threads (1, as training processes run)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    lessons = [p for p in PRESETS if not args.only or p["name"] in args.only]
    load_before = os.getloadavg()[0]
    results = []
    for preset in lessons:
        result = run_lesson(preset)
        results.append(result)
        print(result["name"], result["cpu_seconds"], "s", *(f"\n  {'ok ' if h else 'NO '}{s}"
                                                          for s, h in result["verdicts"]), flush=True)
        if args.json:
            with open(args.json, "w") as out:
                json.dump([{**r, "measured": {w: [{k: _plain(v) for k, v in m.items()} for m in runs]
                                              for w, runs in r["measured"].items()}} for r in results], out)
    load = (f"{args.threads} torch thread(s), ATEN_CPU_CAPABILITY={os.environ.get('ATEN_CPU_CAPABILITY', 'auto')}; "
            f"load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after ({os.cpu_count()} cores)")
    text = report(results, load)
    print(text)
    if args.write:
        write_section(HEADING, text)
    return 0 if all(all(h for _, h in r["verdicts"]) for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
