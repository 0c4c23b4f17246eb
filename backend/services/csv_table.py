"""A CSV file of points read into a table (workers.engine.kinds.points.table_spec.Table), or the problems that
stop it, each naming its line (1 is the header) and column, as the 422 of POST /datasets reports them.

A problem's loc is ("file", LINE, COLUMN): LINE the line of the file, COLUMN a column's name; either is left out
when the problem is not one line's or one cell's.
"""
from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass

from workers.engine import Problem
from workers.engine.kinds.points.datasets import MAX_CLASSES, MIN_CLASSES

MIN_ROWS = 4  # a spec's least data.n_samples: a training and a test point, twice
MAX_PROBLEMS = 10  # reported at once: enough to fix a column, never a wall of them
DELIMITERS = ",;\t"  # the first of these that the header holds separates the values


@dataclass(frozen=True)
class CsvLimits:
    max_rows: int
    max_columns: int


class Unreadable(Exception):
    def __init__(self, found: list[Problem]):
        super().__init__("; ".join(p.msg for p in found))
        self.problems = found


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _lines(content: bytes) -> list[tuple[int, list[str]]]:
    """(line, values) of every row that is not blank, the header first."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise Unreadable([Problem(("file",), f"the file is not UTF-8 text (byte {error.start} is not)")]) from None
    first = text.split("\n", 1)[0]
    delimiter = next((d for d in DELIMITERS if d in first), ",")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows, start = [], 1
    try:
        for values in reader:
            if any(v.strip() for v in values):
                rows.append((start, [v.strip() for v in values]))
            start = reader.line_num + 1
    except csv.Error as error:
        raise Unreadable([Problem(("file", reader.line_num), f"line {reader.line_num}: {error}")]) from None
    return rows


def _header(header: list[str], limits: CsvLimits) -> list[Problem]:
    if len(header) > limits.max_columns:
        return [Problem(("file", 1), f"line 1 has {len(header)} columns; this server takes at most "
                        f"{limits.max_columns} (PLAYGROUND_MAX_DATASET_COLUMNS)", "too_large")]
    if len(header) < 3:
        return [Problem(("file", 1), f"line 1 has {len(header)} column{'s' * (len(header) != 1)}: a dataset "
                        "needs two or more feature columns and a label or target column")]
    found = [Problem(("file", 1), f"line 1, column {i + 1} has no name") for i, name in enumerate(header) if not name]
    seen: set[str] = set()
    for name in header:
        if name and name in seen:
            found.append(Problem(("file", 1, name), f"line 1: the column name {name!r} appears twice"))
        seen.add(name)
    return found


def _classes(labels: list[str]) -> list[str]:
    """The distinct labels in order: by value when all are numbers, else alphabetically."""
    distinct = set(labels)
    if all(_number(label) is not None for label in distinct):
        return sorted(distinct, key=lambda label: (float(label), label))
    return sorted(distinct)


def _task(targets: list[str], asked: str) -> str:
    """classification for labels or a few whole numbers (up to MAX_CLASSES of them), else regression."""
    if asked != "auto":
        return asked
    numbers = [_number(t) for t in targets]
    if any(n is None for n in numbers):
        return "classification"
    whole = all(n.is_integer() for n in numbers)
    return "classification" if whole and len(set(numbers)) <= MAX_CLASSES else "regression"


def read_table(content: bytes, target: str | None, task: str, limits: CsvLimits) -> dict:
    """The table of a CSV file (a dict as Table takes it); Unreadable with the problems it has."""
    lines = _lines(content)
    if not lines:
        raise Unreadable([Problem(("file",), "the file is empty: line 1 should name the columns")])
    (_, header), rows = lines[0], lines[1:]
    found = _header(header, limits)
    if found:
        raise Unreadable(found)
    target = target or header[-1]
    if target not in header:
        raise Unreadable([Problem(("target",), f"no column is named {target!r}; line 1 names "
                                  f"{', '.join(header)}")])
    t = header.index(target)
    columns = [name for name in header if name != target]
    if len(rows) > limits.max_rows:
        line = rows[limits.max_rows][0]
        raise Unreadable([Problem(("file", line), f"line {line}: more than {limits.max_rows} rows; this server takes "
                                  f"at most {limits.max_rows} (PLAYGROUND_MAX_DATASET_ROWS)", "too_large")])
    x, targets = [], []
    for line, values in rows:
        if len(values) != len(header):
            found.append(Problem(("file", line), f"line {line} has {len(values)} values; line 1 names "
                                 f"{len(header)} columns"))
            continue
        row = []
        for name, value in zip(header, values):
            if not value:
                found.append(Problem(("file", line, name), f"line {line}, column {name}: missing value", "missing"))
            elif name != target:
                number = _number(value)
                if number is None:
                    found.append(Problem(("file", line, name), f"line {line}, column {name}: {value[:40]!r} is not "
                                         "a number", "not_a_number"))
                row.append(number)
        x.append(row)
        targets.append(values[t])
        if len(found) >= MAX_PROBLEMS:
            break
    if found:
        raise Unreadable(found[:MAX_PROBLEMS])
    if len(rows) < MIN_ROWS:
        raise Unreadable([Problem(("file",), f"the file has {len(rows)} rows of points; a dataset needs at least "
                                  f"{MIN_ROWS}")])
    return _labelled(columns, target, x, targets, _task(targets, task), [line for line, _ in rows])


def _labelled(columns: list[str], target: str, x: list, targets: list[str], task: str, lines: list[int]) -> dict:
    table = {"columns": columns, "target": target, "task": task, "x": x}
    if task == "regression":
        numbers = [_number(t) for t in targets]
        bad = [Problem(("file", line, target), f"line {line}, column {target}: {t[:40]!r} is not a number (a "
                       "regression target must be)", "not_a_number")
               for line, t, n in zip(lines, targets, numbers) if n is None]
        if bad:
            raise Unreadable(bad[:MAX_PROBLEMS])
        if len(set(numbers)) < 2:
            raise Unreadable([Problem(("file", target), f"column {target} has one value only ({targets[0]}): "
                                      "there is nothing to learn")])
        return {**table, "classes": None, "y": numbers}
    classes = _classes(targets)
    if len(classes) < MIN_CLASSES:
        raise Unreadable([Problem(("file", target), f"column {target} has one class only ({classes[0]!r}): "
                                  "classification needs two or more")])
    if len(classes) > MAX_CLASSES:
        hint = "; for a numeric target, use task=regression" if all(_number(c) is not None for c in classes) else ""
        raise Unreadable([Problem(("file", target), f"column {target} has {len(classes)} different labels; "
                                  f"classification takes at most {MAX_CLASSES}{hint}", "too_large")])
    index = {label: i for i, label in enumerate(classes)}
    return {**table, "classes": classes, "y": [float(index[t]) for t in targets]}
