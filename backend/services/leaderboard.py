"""An assignment's leaderboard and its gradebook: each student's best run, best first.

Best is by the assignment's task: the highest test accuracy for classification, the lowest test loss for
regression. Only runs that succeeded count (a stopped or failed run has no final score to stand by).
With a due time, a student's best is their best run submitted by then; a student with only later runs
gets their best of those, marked late, so the teacher sees the work and decides what it is worth.
Ties go to the earlier run (then the run id, so the order never depends on how the database reads them).
"""
from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass
from datetime import datetime

from workers.engine.datasets import DATASETS
from workers.engine.status import Status

from ..db.models import aware


@dataclass(frozen=True)
class Metric:
    name: str
    higher_is_better: bool


METRICS = {"classification": Metric("test_accuracy", True), "regression": Metric("test_loss", False),
           "reconstruction": Metric("test_loss", False)}


def metric_for(spec: dict) -> Metric:
    data = spec["data"]
    return METRICS[data["table"]["task"] if data.get("table") else DATASETS[data["dataset"]].task]


@dataclass(frozen=True)
class Attempt:
    """What the leaderboard needs of one run of the assignment."""
    run: str
    user_id: str
    status: str
    summary: dict | None
    submitted_at: datetime
    finished_at: datetime | None


@dataclass(frozen=True)
class Standing:
    """A student on the leaderboard: their best run; `rank` 1 is the best."""
    rank: int
    user: str
    user_id: str
    run: str
    score: float
    metric: str
    late: bool
    runs: int
    submitted_at: datetime
    finished_at: datetime | None


def score_of(attempt: Attempt, metric: Metric) -> float | None:
    value = (attempt.summary or {}).get(metric.name)
    if attempt.status != Status.SUCCEEDED or isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if math.isfinite(value) else None


def standings(metric: Metric, due: datetime | None, students: list[tuple[str, str]],
              attempts: list[Attempt]) -> list[Standing]:
    """The leaderboard: for each of `students` ((id, name)) with a scored run, their best, best first."""
    def order(attempt: Attempt) -> tuple:
        score = score_of(attempt, metric)
        return (-score if metric.higher_is_better else score, aware(attempt.submitted_at), attempt.run)

    def late(attempt: Attempt) -> bool:
        return due is not None and aware(attempt.submitted_at) > aware(due)

    best: list[tuple[tuple, str, str, Attempt, int]] = []
    for user_id, name in students:
        theirs = [a for a in attempts if a.user_id == user_id]
        scored = [a for a in theirs if score_of(a, metric) is not None]
        if scored:
            chosen = min([a for a in scored if not late(a)] or scored, key=order)
            best.append((order(chosen), user_id, name, chosen, len(theirs)))
    best.sort(key=lambda entry: entry[0])
    return [Standing(rank=rank, user=name, user_id=user_id, run=a.run, score=score_of(a, metric), metric=metric.name,
                     late=late(a), runs=runs, submitted_at=aware(a.submitted_at),
                     finished_at=aware(a.finished_at) if a.finished_at else None)
            for rank, (_, user_id, name, a, runs) in enumerate(best, start=1)]


COLUMNS = ("student", "student_id", "rank", "best_run", "score", "metric", "late", "runs_submitted", "submitted_at",
           "finished_at")


def _moment(moment: datetime | None) -> str:
    return aware(moment).strftime("%Y-%m-%dT%H:%M:%SZ") if moment else ""


def _cell(value: str) -> str:
    """A student's own text (their name) opened in a spreadsheet must stay text, never run as a formula."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def gradebook(metric: Metric, students: list[tuple[str, str]], board: list[Standing],
              submitted: dict[str, int]) -> str:
    """CSV, one row per student of the class (by name), those without a scored run too, with empty cells."""
    by_student = {standing.user_id: standing for standing in board}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")  # RFC 4180, as spreadsheets expect
    writer.writerow(COLUMNS)
    for user_id, name in sorted(students, key=lambda student: (student[1].casefold(), student[0])):
        s = by_student.get(user_id)
        writer.writerow([_cell(name), user_id, s.rank if s else "", s.run if s else "",
                         f"{s.score:.6g}" if s else "", metric.name, ("yes" if s.late else "no") if s else "",
                         submitted.get(user_id, 0), _moment(s.submitted_at) if s else "",
                         _moment(s.finished_at) if s else ""])
    return out.getvalue()


def csv_filename(title: str) -> str:
    """`Lab 2: XOR!` -> `lab-2-xor-results.csv`: safe in a header and on every file system."""
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60].strip("-")
    return f"{slug or 'assignment'}-results.csv"
