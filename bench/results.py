"""RESULTS.md is shared: each benchmark rewrites its own section and keeps the others as they are.

tf_playground.py owns the top of the file (its "# ..." title down to the first section below);
ui_stream.py owns "## Browser streaming"; cnn_digits.py owns "## CNN on digits"; seq_reverse.py owns
"## Transformer on reverse" (and its "(CUDA)" twin); classroom.py owns "## A class on one box"; batched.py owns
"## Many runs batched"; wall.py owns "## The instructor's wall"; viewers.py owns "## Viewers by the hundred";
faults.py owns "## Faults, distributed"; distributed.py owns "## Latency, distributed"; lessons.py owns
"## Lessons and their claims".
"""
from __future__ import annotations

import argparse
import platform
from pathlib import Path

RESULTS = Path(__file__).with_name("RESULTS.md")
SECTIONS = ("## Browser streaming", "## CNN on digits", "## Transformer on reverse",
            "## Transformer on reverse (CUDA)", "## A class on one box",
            "## Many runs batched", "## The instructor's wall",
            "## Viewers by the hundred", "## Faults, distributed", "## Latency, distributed",
            "## Lessons and their claims")  # the sections below tf_playground.py's top


def _level(line: str) -> int:
    marks = len(line) - len(line.lstrip("#"))
    return marks if marks and line[marks:marks + 1] == " " else 0


def find_section(document: str, heading: str) -> tuple[int, int] | None:
    """Where the section under `heading` starts and ends: at the next heading of its level or higher."""
    start = 0 if document.startswith(heading + "\n") else document.find("\n" + heading + "\n") + 1
    if start == 0 and not document.startswith(heading + "\n"):
        return None
    level, position = _level(heading), start + len(heading)
    for line in document[position:].split("\n")[1:]:
        position += len(line) + 1
        if 0 < _level(line) <= level:
            return start, position - len(line)
    return start, len(document)


def section_text(document: str, heading: str) -> str | None:
    found = find_section(document, heading)
    return document[found[0]:found[1]] if found else None


def replace_section(document: str, heading: str, text: str) -> str:
    """`document` with the section under `heading` replaced by `text` (appended when there is none)."""
    text = text.rstrip("\n") + "\n"
    found = find_section(document, heading)
    if found is None:
        return document.rstrip("\n") + "\n\n" + text if document else text
    start, end = found
    return document[:start] + text + ("\n" + document[end:] if end < len(document) else "")


def run_benchmark(doc: str, section: str, arguments, measure, report) -> None:
    """A benchmark's command line: its own `arguments(parser)` and --write; prints `report(measure(args))` and,
    with --write, makes it the `section` of RESULTS.md."""
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    arguments(parser)
    parser.add_argument("--write", action="store_true", help=f"write the section to {RESULTS.name}")
    args = parser.parse_args()
    text = report(measure(args))
    print(text)
    if args.write:
        write_section(section, text)


def write_section(heading: str, text: str) -> None:
    old = RESULTS.read_text() if RESULTS.exists() else ""
    RESULTS.write_text(replace_section(old, heading, text))


def write_top(text: str) -> None:
    """tf_playground.py's part: everything above the first of the other benchmarks' sections."""
    old = RESULTS.read_text() if RESULTS.exists() else ""
    kept = [found[0] for section in SECTIONS if (found := find_section(old, section))]
    RESULTS.write_text(text + ("\n" + old[min(kept):] if kept else ""))


def cpu_name() -> str:
    """The processor's model name, for the tables' "Measured ... on" lines."""
    return next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                 if line.startswith("model name")), platform.processor() or "unknown")


def one_thread_cpu() -> str:
    """The machine line of the benchmarks that train on one CPU thread, as every training process does."""
    import os

    import torch

    return (f"{cpu_name()}, {os.cpu_count()} cores (1 thread used), torch {torch.__version__}, "
            f"Python {platform.python_version()}")
