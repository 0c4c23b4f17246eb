"""An assignment's locked settings: dotted paths into a spec (`train.optimizer.lr`, `model.layers`,
`model.layers.0.units`), each naming a value a run of the assignment must leave as the assignment has it.

A path locks everything under it: `data` locks the whole data section. Specs are compared as stored,
every default filled in, so a spec that leaves a locked field out gets the default and must match too.
"""
from __future__ import annotations

import json
from typing import Any

from workers.engine import Problem

MISSING = object()


def parts(path: str) -> tuple[str | int, ...]:
    """`model.layers.0.units` -> ("model", "layers", 0, "units"): a list's items by their index."""
    return tuple(int(part) if part.isdigit() else part for part in path.split("."))


def value_at(spec: Any, loc: tuple[str | int, ...]) -> Any:
    """The value at `loc` in a spec as JSON, or MISSING."""
    for part in loc:
        if isinstance(spec, dict) and isinstance(part, str) and part in spec:
            spec = spec[part]
        elif isinstance(spec, list) and isinstance(part, int) and part < len(spec):
            spec = spec[part]
        else:
            return MISSING
    return spec


def _what_is_under(spec: Any, loc: tuple[str | int, ...]) -> str:
    """A hint for a path that goes astray: what the deepest part of it that exists holds."""
    for depth in range(len(loc) - 1, -1, -1):
        parent = value_at(spec, loc[:depth])
        if parent is MISSING:
            continue
        where = ".".join(map(str, loc[:depth])) or "the spec"
        if isinstance(parent, dict):
            return f"{where} has {', '.join(parent)}"
        if isinstance(parent, list):
            return f"{where} is a list of {len(parent)}: name an item by its index, 0 to {len(parent) - 1}" \
                if parent else f"{where} is an empty list"
        return f"{where} is a single value"
    return ""


def path_problems(spec: dict, paths: list[str]) -> list[Problem]:
    """Each locked path that names no setting of `spec`, at its place in the body's `locked` list."""
    found = []
    for index, path in enumerate(paths):
        loc = parts(path)
        if value_at(spec, loc) is MISSING:
            hint = _what_is_under(spec, loc)
            found.append(Problem(("locked", index), f"{path} is not a setting of this spec"
                                 + (f": {hint}" if hint else ""), "not_a_spec_path"))
    return found


def _shown(value: Any, loc: tuple) -> str:
    """The value for a message; never an uploaded dataset's rows (a student may train on an assignment's points
    but not read them), which are named instead."""
    if value is MISSING:
        return "nothing"
    if loc[:2] == ("data", "table"):
        return "the assignment's points"
    if isinstance(value, dict):
        if isinstance(value.get("data"), dict) and "table" in value["data"]:
            value = {**value, "data": {k: v for k, v in value["data"].items() if k != "table"}}
        if loc == ("data",) and "table" in value:
            value = {k: v for k, v in value.items() if k != "table"}
    return json.dumps(value)


def comparable(spec: dict) -> dict:
    """A run's stored spec as an assignment's compares with it: its points' rows_withheld mark (set on a student's
    copy of an assignment's dataset) is not a setting."""
    table = spec.get("data", {}).get("table")
    if not table or not table.get("rows_withheld"):
        return spec
    return {**spec, "data": {**spec["data"], "table": {**table, "rows_withheld": False}}}


def broken_locks(assigned: dict, paths: list[str], spec: dict, title: str) -> list[Problem]:
    """A problem at each locked path where `spec` differs from the assignment's spec `assigned`."""
    found = []
    for path in paths:
        loc = parts(path)
        wanted, given = value_at(assigned, loc), value_at(spec, loc)
        if wanted != given:
            found.append(Problem(loc, f"{path} is locked by the assignment {title!r} at {_shown(wanted, loc)}; "
                                 f"this spec has {_shown(given, loc)}", "locked"))
    return found


def lock_on(paths: list[str], path: str) -> str | None:
    """The lock that a change of `path` would break: one at it, above it, or below it (changing
    `train.optimizer` changes a locked `train.optimizer.lr`)."""
    for lock in paths:
        if lock == path or path.startswith(lock + ".") or lock.startswith(path + "."):
            return lock
    return None
