"""The seams of the engine: one Kind per kind of data, one table per choice, and a spec side without torch."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from workers.engine.choices import ACTIVATIONS, INITS, OUTPUT_ACTIVATIONS
from workers.engine.cnn import MODULES
from workers.engine.cnn_plan import SHAPES
from workers.engine.datasets import DATASETS
from workers.engine.kinds import KINDS, Kind, kind_for
from workers.engine.layers import ACTIVATION_MODULES, INIT_FILLS
from workers.engine.losses import OUTPUT_FUNCTIONS
from workers.engine.optim import BUILDERS
from workers.engine.optim_spec import OPTIMIZERS

from tests.workers.engine.helpers import final, run, spec

ENGINE = Path(__file__).resolve().parents[3] / "workers" / "engine"


def test_every_dataset_kind_has_a_registered_kind():
    assert {dataset.kind for dataset in DATASETS.values()} == set(KINDS)
    for name in DATASETS:
        kind = kind_for(name)
        assert issubclass(kind, Kind) and kind.evaluate is not Kind.evaluate  # each kind measures its own


@pytest.mark.parametrize("dataset, layers, visuals", [
    ("circle", [{"units": 4}], {"dataset", "boundary", "confusion"}),
    ("digits", [{"type": "conv2d", "filters": 2}, {"type": "flatten"}],
     {"filters", "feature_maps", "misclassified", "confusion"}),
    ("reverse", [{"type": "embedding", "dim": 8}, {"type": "gru", "hidden": 8}],
     {"hidden_states", "time_gradients", "predictions"}),
])
def test_the_one_trainer_drives_each_kind_and_sends_its_visuals(dataset, layers, visuals):
    events = run(spec(data={"dataset": dataset, "n_samples": 40}, model={"layers": layers},
                      train={"epochs": 1}, stream={"max_fps": 20}))
    assert final(events)["status"] == "succeeded", final(events)
    assert {e["type"] for e in events} == {"status", "metrics"} | visuals


@pytest.mark.parametrize("builders, names", [
    (ACTIVATION_MODULES, ACTIVATIONS), (INIT_FILLS, INITS), (OUTPUT_FUNCTIONS, OUTPUT_ACTIVATIONS),
    (BUILDERS, OPTIMIZERS), (MODULES, SHAPES),
])
def test_each_builder_table_covers_exactly_its_choice_table(builders, names):
    assert set(builders) == set(names)


def test_the_spec_side_does_not_import_torch():
    code = ("import sys\n"
            "import workers.engine.spec, workers.engine.checks, workers.engine.catalog\n"
            "from workers.engine import Limits, Spec, problems\n"
            "problems(Spec.model_validate({'data': {'dataset': 'digits'}}), Limits())\n"
            "assert 'torch' not in sys.modules, 'the spec side imported torch'\n")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ENGINE.parents[1])


def test_train_is_still_exported():
    from workers.engine import train
    from workers.engine.loop import train as loop_train

    assert train is loop_train


def _module_imports(path: Path) -> set[str]:
    """The workers.engine modules a file imports at its top level (not in functions, not for type checking)."""
    name = ".".join(path.relative_to(ENGINE.parents[1]).with_suffix("").parts).removesuffix(".__init__")
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                target = f"{base}.{node.module}" if node.module else base
            else:
                target = node.module or ""
            for alias in node.names:  # `from . import x` may name a module
                found.add(f"{target}.{alias.name}")
            found.add(target)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {m for m in found if m.startswith("workers.engine")}


def _engine_graph() -> dict[str, set[str]]:
    modules = {}
    for path in ENGINE.rglob("*.py"):
        name = ".".join(path.relative_to(ENGINE.parents[1]).with_suffix("").parts).removesuffix(".__init__")
        modules[name] = path
    return {name: {m for m in _module_imports(path) if m in modules and m != name} for name, path in modules.items()}


def _circle(graph: dict[str, set[str]]) -> list[str] | None:
    """A chain of imports that comes back to where it began, if there is one."""
    done: set[str] = set()

    def visit(name: str, trail: list[str]) -> list[str] | None:
        if name in trail:
            return trail[trail.index(name):] + [name]
        if name in done:
            return None
        for target in sorted(graph[name]):
            if (found := visit(target, trail + [name])) is not None:
                return found
        done.add(name)
        return None

    return next((c for name in sorted(graph) if (c := visit(name, [])) is not None), None)


def test_no_import_circle_in_the_engine():
    graph = _engine_graph()
    assert "workers.engine.kinds.base" in graph["workers.engine.kinds.points.kind"]  # the walk sees imports
    assert _circle(graph) is None, " -> ".join(_circle(graph))
    graph["workers.engine.kinds.base"].add("workers.engine.loop")  # as the old image_run and loop were
    assert _circle(graph) is not None
