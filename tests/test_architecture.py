"""The layout's rules, checked on the code itself (docs/architecture.md explains them):

- no import circle among the modules of backend/ and workers/, counting imports inside functions too;
- dependencies point one way: workers/ never imports backend/;
- the engine imports no web, queue or database package;
- the client (playground_client/) imports nothing of the server, the workers or torch: it runs anywhere;
- routes (backend/api/) never import the database layer (backend/db/): they get it through services;
- every source file, Python or page, stays under 400 lines.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("backend", "workers", "playground_client")
SERVICE_PACKAGES = ("fastapi", "starlette", "uvicorn", "websockets", "httpx", "celery", "kombu", "redis",
                    "sqlalchemy", "alembic", "psycopg")
MAX_LINES = 400


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for package in PACKAGES for path in (ROOT / package).rglob("*.py")}


def imported(module: str) -> set[str]:
    """The modules that `module` imports anywhere in its file: the real targets, resolved as Python does
    (`from .pkg import name` is the module pkg.name when there is one, else pkg)."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    targets: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            for alias in node.names:
                targets.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base)
    return targets


GRAPH = {module: imported(module) for module in MODULES}


def ours(target: str) -> str | None:
    """The module of ours that an import of `target` loads last (its parents load first, but a parent
    package's __init__ importing its children is no circle of ours to report)."""
    while target and target not in MODULES:
        target = target.rpartition(".")[0]
    return target or None


def circles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Every chain of imports that comes back to where it began (a module importing its own package's
    __init__ is not one: the package is loaded first)."""
    visiting, done, found = [], set(), []

    def visit(module: str) -> None:
        if module in done:
            return
        if module in visiting:
            found.append(visiting[visiting.index(module):] + [module])
            return
        visiting.append(module)
        for target in sorted(edges[module]):
            if not module.startswith(target + "."):
                visit(target)
        visiting.pop()
        done.add(module)

    for module in sorted(edges):
        visit(module)
    return found


def test_the_circle_finder_sees_circles():
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c", "a"]]
    assert circles({"p": set(), "p.m": {"p"}}) == []


def test_no_import_circle_in_backend_or_workers():
    edges = {m: {t for t in map(ours, targets) if t and t != m} for m, targets in GRAPH.items()}
    assert "workers.engine.kinds.base" in edges["workers.engine.kinds.points.kind"]  # the walk sees imports
    found = circles(edges)
    assert found == [], "import circles: " + "; ".join(" -> ".join(c) for c in found)


def imports_of(prefix: str) -> dict[str, set[str]]:
    return {m: t for m, t in GRAPH.items() if m == prefix or m.startswith(prefix + ".")}


def test_workers_never_import_backend():
    offenders = {m: sorted(t for t in ts if t.split(".")[0] == "backend") for m, ts in imports_of("workers").items()}
    assert {m: ts for m, ts in offenders.items() if ts} == {}


def test_the_engine_imports_no_web_queue_or_database_package():
    offenders = {m: sorted(t for t in ts if t.split(".")[0] in SERVICE_PACKAGES)
                 for m, ts in imports_of("workers.engine").items()}
    assert {m: ts for m, ts in offenders.items() if ts} == {}


def test_the_client_imports_nothing_of_the_server_nor_torch():
    offenders = {m: sorted(t for t in ts if t.split(".")[0] in ("backend", "workers", "torch", "numpy"))
                 for m, ts in imports_of("playground_client").items()}
    assert "playground_client.api" in offenders  # the walk sees the client
    assert {m: ts for m, ts in offenders.items() if ts} == {}


def test_routes_never_import_the_database_layer():
    offenders = {m: sorted(t for t in ts if t == "backend.db" or t.startswith("backend.db."))
                 for m, ts in imports_of("backend.api").items()}
    assert {m: ts for m, ts in offenders.items() if ts} == {}


def source_files() -> list[Path]:
    python = [p for package in (*PACKAGES, "tests", "bench") for p in (ROOT / package).rglob("*.py")]
    page = [p for p in (ROOT / "frontend" / "src").rglob("*") if p.suffix in (".svelte", ".ts")
            and "generated" not in p.parts]
    return python + page


@pytest.mark.parametrize("path", source_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_source_file_is_under_400_lines(path: Path):
    assert len(path.read_text().splitlines()) < MAX_LINES
