"""The leaderboard's rules on hand-made runs: which run is a student's best, the order, ties, lateness, the CSV."""
from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta, timezone

from backend.services.leaderboard import METRICS, Attempt, csv_filename, gradebook, standings

START = datetime(2026, 12, 3, 9, 0, tzinfo=timezone.utc)
ACCURACY, LOSS = METRICS["classification"], METRICS["regression"]
STUDENTS = [("a", "Ana"), ("b", "Ben"), ("c", "Cy"), ("d", "Dee")]


def attempt(run: str, user: str, minute: int, status: str = "succeeded", **summary) -> Attempt:
    at = START + timedelta(minutes=minute)
    return Attempt(run, user, status, summary or None, at.replace(tzinfo=None), at + timedelta(seconds=30))


def test_each_students_best_finished_run_best_first():
    runs = [attempt("a1", "a", 1, test_accuracy=0.7), attempt("a2", "a", 2, test_accuracy=0.9),
            attempt("b1", "b", 1, test_accuracy=0.8), attempt("b2", "b", 3, "cancelled", test_accuracy=0.99),
            attempt("b3", "b", 4, "failed"), attempt("c1", "c", 5, "running"),
            attempt("x1", "not-a-student", 1, test_accuracy=1.0)]
    board = standings(ACCURACY, None, STUDENTS, runs)
    assert [(s.rank, s.user, s.run, s.score, s.runs) for s in board] == [(1, "Ana", "a2", 0.9, 2),
                                                                          (2, "Ben", "b1", 0.8, 3)]
    assert all(s.metric == "test_accuracy" and not s.late for s in board)
    assert board[0].submitted_at.tzinfo is not None  # SQLite's naive times come out as UTC


def test_regression_ranks_the_lowest_test_loss_first():
    runs = [attempt("a1", "a", 1, test_loss=0.30), attempt("b1", "b", 2, test_loss=0.05),
            attempt("b2", "b", 3, test_loss=0.50), attempt("c1", "c", 4, test_loss=float("nan")),
            attempt("d1", "d", 5, test_loss=None)]
    board = standings(LOSS, None, STUDENTS, runs)
    assert [(s.user, s.run) for s in board] == [("Ben", "b1"), ("Ana", "a1")]


def test_ties_go_to_the_earlier_run_whatever_order_they_come_in():
    runs = [attempt("z", "c", 3, test_accuracy=0.9), attempt("y", "a", 1, test_accuracy=0.9),
            attempt("x", "b", 2, test_accuracy=0.9), attempt("w", "b", 4, test_accuracy=0.9)]
    for ordering in (runs, runs[::-1]):
        board = standings(ACCURACY, None, STUDENTS, ordering)
        assert [(s.user, s.run) for s in board] == [("Ana", "y"), ("Ben", "x"), ("Cy", "z")]


def test_after_the_due_time_a_run_counts_only_for_a_student_with_none_before():
    due = START + timedelta(minutes=10)
    runs = [attempt("a1", "a", 5, test_accuracy=0.6), attempt("a2", "a", 20, test_accuracy=0.95),
            attempt("b1", "b", 30, test_accuracy=0.8)]
    board = standings(ACCURACY, due, STUDENTS, runs)
    assert [(s.user, s.run, s.late) for s in board] == [("Ben", "b1", True), ("Ana", "a1", False)]


def test_the_gradebook_has_every_student_and_keeps_names_from_running_as_formulas():
    students = [*STUDENTS, ("e", "=HYPERLINK(\"http://x\")")]
    runs = [attempt("a1", "a", 1, test_accuracy=0.75), attempt("b1", "b", 2, "failed")]
    board = standings(ACCURACY, None, students, runs)
    rows = list(csv.DictReader(io.StringIO(gradebook(ACCURACY, students, board, {"a": 1, "b": 1}))))
    assert [row["student"] for row in rows] == ["'=HYPERLINK(\"http://x\")", "Ana", "Ben", "Cy", "Dee"]
    ana = rows[1]
    assert (ana["rank"], ana["best_run"], ana["score"], ana["metric"], ana["late"], ana["runs_submitted"]) == \
        ("1", "a1", "0.75", "test_accuracy", "no", "1")
    assert ana["finished_at"] == "2026-12-03T09:01:30Z"
    assert (rows[2]["best_run"], rows[2]["score"], rows[2]["runs_submitted"]) == ("", "", "1")
    assert rows[3]["runs_submitted"] == "0"


def test_the_file_is_named_after_the_assignment():
    assert csv_filename("Lab 2: XOR!") == "lab-2-xor-results.csv"
    assert csv_filename("ÜÜ") == "assignment-results.csv"
