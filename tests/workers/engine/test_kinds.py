"""The seams of the engine: one Kind per kind of data, one table per choice, and a spec side without torch."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from workers.engine.choices import ACTIVATIONS, INITS, OUTPUT_ACTIVATIONS
from workers.engine.kinds.images.model import MODULES
from workers.engine.kinds.images.plan import SHAPES
from workers.engine.datasets import DATASETS
from workers.engine.kinds import KINDS, kind_for
from workers.engine.kinds.base import Kind
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
     {"hidden_states", "embeddings", "time_gradients", "predictions"}),
])
def test_the_one_trainer_drives_each_kind_and_sends_its_visuals(dataset, layers, visuals):
    events = run(spec(data={"dataset": dataset, "n_samples": 40}, model={"layers": layers},
                      train={"epochs": 1}, stream={"max_fps": 20}))
    assert final(events)["status"] == "succeeded", final(events)
    assert {e["type"] for e in events} == {"status", "metrics", "final_weights"} | visuals


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


# A kind that lives in this test alone: a dataset of points on a line, learnt by an MLP. Registered before the
# spec is imported (in a fresh process), it must become a dataset the spec, the checks, the catalog and the
# trainer all know, with no edit to any of them.
TOY_KIND = '''
import json
from types import SimpleNamespace

from workers.engine.common_layers import Dense
from workers.engine.kinds import About, register
from workers.engine.kinds.images.plan import plan

# Its trainer is looked up when a run starts: LineKind (below, with torch) need not exist yet.
register(About(
    name="line", trainer=lambda: LineKind, article="a line",
    datasets={"slope": SimpleNamespace(kind="line", task="regression", description="y = x / 2 on [-1, 1].")},
    layers=(Dense,), needs="line dataset, whose networks take dense layers only",
    plan=lambda spec, n_outputs, n_classes: (plan((1,), [layer.model_dump() for layer in spec.model.layers],
                                                  n_outputs), (1,)),
))

import torch  # noqa: E402  (the Kind and the spec it reads come after the registration, as they must)

from workers.engine import Limits, Spec, problems, train  # noqa: E402
from workers.engine.catalog import describe  # noqa: E402
from workers.engine.control import Never  # noqa: E402
from workers.engine.kinds.base import Kind  # noqa: E402
from workers.engine.kinds.points.model import MLP  # noqa: E402
from workers.engine.layers import initialise  # noqa: E402
from workers.engine.losses import make_head  # noqa: E402
from workers.engine.probes.metrics import evaluate  # noqa: E402


class LineKind(Kind):
    def __init__(self, spec, device, visuals):
        super().__init__(spec, device, visuals)
        data = spec.data
        x = torch.linspace(-1, 1, data.n_samples)[torch.randperm(data.n_samples,
                                                                  generator=torch.Generator().manual_seed(data.seed))]
        self.head = make_head(spec.train.loss, self.task, spec.model.output_activation)
        self.model = MLP(1, self.layers, self.head.n_outputs)
        initialise(self.model, spec.model.init)
        self.n_train = data.n_samples - round(data.n_samples * data.test_fraction)
        self.x_all, self.labels_all = x[:, None].to(device), (0.5 * x).to(device)
        self.y_all = self.head.targets(self.labels_all)
        self.x, self.y = self.x_all[:self.n_train], self.y_all[:self.n_train]

    def evaluate(self):
        return evaluate(self.model, self.head, self.x_all, self.y_all, self.labels_all, self.n_train)


spec = Spec.model_validate({"data": {"dataset": "slope", "n_samples": 40}, "model": {"layers": [{"units": 4}]},
                           "train": {"epochs": 2}, "stream": {"max_fps": 0}})
refused = Spec.model_validate({"data": {"dataset": "slope", "image_size": 8},
                              "model": {"layers": [{"type": "flatten"}]}})
catalog = describe(Limits())
events = []
train(spec, events.append, Never())
try:
    register(About(name="late", trainer="x:Y", datasets={}, layers=(), plan=None, article="", needs=""))
    late = None
except RuntimeError as error:
    late = str(error)
print(json.dumps({
    "problems": [p.msg for p in problems(spec, Limits())],
    "refused": [[list(p.loc), p.msg] for p in problems(refused, Limits())],
    "dataset": next(d for d in catalog["datasets"] if d["name"] == "slope"),
    "dense": next(layer["datasets"] for layer in catalog["layers"] if layer["type"] == "dense"),
    "types": sorted({e["type"] for e in events}), "status": events[-1]["data"]["status"], "late": late,
}))
'''


def test_a_kind_registered_outside_the_engine_is_a_dataset_of_the_spec_the_catalog_and_the_trainer():
    done = subprocess.run([sys.executable, "-c", TOY_KIND], cwd=ENGINE.parents[1], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout.splitlines()[-1])
    assert found["problems"] == []
    assert found["refused"] == [
        [["data", "image_size"], "slope is a line dataset: image_size is for the image datasets (digits, shapes, "
                                 "textures)"],
        [["model", "layers", 0, "type"], "layer 0 (flatten): slope is a line dataset, whose networks take dense "
                                         "layers only"]]
    assert found["dataset"]["kind"] == "line" and found["dataset"]["task"] == "regression"
    assert "features" not in found["dataset"]["parameters"] and "n_samples" in found["dataset"]["parameters"]
    from workers.engine.common_layers import Dense
    assert found["dense"] == [*(name for name, about in KINDS.items() if Dense in about.layers), "line"]
    assert found["status"] == "succeeded" and found["types"] == ["final_weights", "metrics", "status"]
    assert "before importing" in found["late"]
