"""Every lesson at full length, its claim checked: `python -m bench.lessons [--write] [--only NAME ...]`.

tests/workers/engine/test_lessons.py checks the 2-D lessons' claims in the suite; the image and sequence
lessons take minutes each, so only this benchmark runs them as they are. Each lesson (and its compare run,
when its claim uses one) trains on each of its claim's seeds, on one thread as every training process does,
and its checks are evaluated on the medians (workers/engine/claims.py). --write puts the table in
bench/RESULTS.md ("## Lessons and their claims") and the same figures in docs/lessons.md's index of lessons
(its "claim: measured" and "seeds" cells; a test holds the two files to each other); --json FILE keeps every
run's measured values.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import re
import sys
import time
from pathlib import Path

import torch

from workers.engine.claims import Claim, measure, run_events, variant, verdicts
from workers.engine.presets import PRESETS

from .results import RESULTS, one_thread_cpu, write_section

HEADING = "## Lessons and their claims"
DOCS = Path(__file__).resolve().parents[1] / "docs" / "lessons.md"
# docs/lessons.md's index rows: | chapter | [`name`](#anchor) | topics | claim: measured | seeds |
DOCS_ROW = re.compile(r"^(\| [^|]+ \| \[`(?P<name>[\w-]+)`\]\([^)]*\) \| [^|]+ \| )[^|]+ \| [^|]+ \|$")


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


def docs_claim(sentences: list[str]) -> str:
    """The index's wording of a lesson's verdict sentences: "lesson final x = 1 ≥ 0.9" reads "x = 1 ≥ 0.9",
    a compare run's check "compare: ..."."""
    def short(sentence: str) -> str:
        run, rest = sentence.split(" ", 1)
        rest = rest.removeprefix("final ")
        return rest if run == "lesson" else f"{run}: {rest}"
    return "; ".join(short(sentence) for sentence in sentences)


def with_figures(document: str, results: list[dict]) -> str:
    """docs/lessons.md with each measured lesson's index row carrying its claim's figures and seeds."""
    by_name = {r["name"]: r for r in results}

    def row(line: str) -> str:
        found = DOCS_ROW.match(line)
        if not found or found["name"] not in by_name:
            return line
        r = by_name[found["name"]]
        claim = docs_claim([sentence for sentence, _ in r["verdicts"]])
        return f"{found[1]}{claim} | {', '.join(map(str, r['seeds']))} |"
    return "\n".join(row(line) for line in document.split("\n"))


def committed(results_md: str) -> list[dict]:
    """The lessons of RESULTS.md's table as run_lesson() answers them (name, verdicts, seeds): what --docs and
    the test that holds docs/lessons.md to it read."""
    rows = re.finditer(r"^\| `(?P<name>[\w-]+)` \| [^|]+ \| (?P<checks>.+) \(seeds (?P<seeds>[\d, ]+)\) \| "
                       r"(?P<holds>PASS|FAIL) \|", results_md, re.MULTILINE)
    return [{"name": row["name"], "seeds": [int(seed) for seed in row["seeds"].split(", ")],
             "verdicts": [(sentence, row["holds"] == "PASS") for sentence in row["checks"].split("<br>")]}
            for row in rows]


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
    parser.add_argument("--docs", action="store_true",
                        help="only put bench/RESULTS.md's committed figures into docs/lessons.md; train nothing")
    parser.add_argument("--threads", type=int, default=1, help="torch threads (1, as training processes run)")
    args = parser.parse_args()
    if args.docs:
        DOCS.write_text(with_figures(DOCS.read_text(), committed(RESULTS.read_text())))
        return 0
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
        DOCS.write_text(with_figures(DOCS.read_text(), results))
    return 0 if all(all(h for _, h in r["verdicts"]) for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
