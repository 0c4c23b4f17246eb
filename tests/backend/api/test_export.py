"""GET /runs/{id}/export: a run trained by the real server, exported, loaded in a fresh interpreter, reproduces
the run's predictions on its test set exactly; its ONNX loads with the right shapes; its training script
trains it again."""
from __future__ import annotations

import ast
import io
import os
import subprocess
import sys

import numpy as np
import onnx
import pytest
import torch

from tests.backend.api.exports import LOAD, exported
from tests.support import status_is
from workers.engine import Spec
from workers.engine.events import decode
from workers.engine.kinds.points.datasets import make_data
from workers.engine.kinds.points.model import MLP
from workers.engine.losses import make_head

SPEC = {"data": {"dataset": "spiral", "n_samples": 80, "features": ["x1", "x2", "x1_x2", "sin_x1"], "seed": 4},
        "model": {"layers": [{"units": 5, "activation": "relu", "batchnorm": True},
                             {"units": 3, "activation": "tanh", "dropout": 0.1}]},
        "train": {"epochs": 4, "batch_size": 8, "seed": 4}, "stream": {"max_fps": 0}}
# The script trains as a run alone does (tests/workers/engine/test_export.py: bit for bit, batch norm included);
# the server trains this one in a batch (kinds/points/batched.py), whose rounding batch norm under Adam amplifies
# to about a percent (tests/workers/engine/kinds/points/test_batched.py), so the script's run here has none.
PLAIN = {**SPEC, "model": {"layers": [{"units": 5, "activation": "relu"},
                                      {"units": 3, "activation": "tanh", "dropout": 0.1}]}}
LONG = {"data": {"dataset": "circle", "n_samples": 100}, "train": {"epochs": 100000}, "stream": {"max_fps": 0}}

# In a fresh interpreter: the exported module and weights, nothing of the playground; the outputs saved.
FRESH = LOAD + """
points = np.load(sys.argv[3])
with torch.no_grad():
    inputs = exported.features(points)
    output = model(inputs)
np.save(sys.argv[4], inputs.numpy())
np.save(sys.argv[5], output.numpy())
np.save(sys.argv[6], exported.predict(output).numpy())
print(",".join(exported.FEATURES))
"""


@pytest.fixture(scope="module")
def finished(api):
    run = api.submit(SPEC)
    events = api.all_events(run["id"])
    assert events[-1]["data"]["status"] == "succeeded"
    return api.run(run["id"])


def test_code_and_weights_reproduce_the_predictions_in_a_fresh_interpreter(api, finished, tmp_path):
    code = exported(api, finished["id"], "pytorch")
    assert code.headers["content-type"].startswith("text/x-python")
    assert "def build_model()" in code.text and "import playground" not in code.text
    (tmp_path / "model.py").write_text(code.text)
    (tmp_path / "model.pt").write_bytes(exported(api, finished["id"], "state_dict").content)

    # The engine's own model holding the run's stored weights, on the run's own test split.
    spec = Spec.model_validate(finished["spec"])
    data = spec.data
    _, test = make_data(data.dataset, data.n_samples, data.noise, data.test_fraction, data.features, data.seed)
    stored = [e for e in api.http.get(f"/runs/{finished['id']}/events").json() if e["type"] == "final_weights"]
    head = make_head(spec.train.loss, "classification", spec.model.output_activation)
    engine = MLP(len(data.features), [layer.model_dump() for layer in spec.model.layers], head.n_outputs)
    engine.load_state_dict({k: torch.from_numpy(decode(v).copy()).to(engine.state_dict()[k].dtype)
                            for k, v in stored[-1]["data"]["state"].items()})
    engine.eval()
    with torch.no_grad():
        expected = engine(torch.from_numpy(test.inputs))
    np.save(tmp_path / "points.npy", test.points)

    files = [tmp_path / name for name in ("model.py", "model.pt", "points.npy", "in.npy", "out.npy", "pred.npy")]
    done = subprocess.run([sys.executable, "-c", FRESH, *map(str, files)], capture_output=True, text=True,
                          cwd=tmp_path, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "x1,x2,x1_x2,sin_x1"
    assert np.array_equal(np.load(tmp_path / "in.npy"), test.inputs)  # features() makes the same inputs
    assert np.array_equal(np.load(tmp_path / "out.npy"), expected.numpy())  # the same outputs, bit for bit
    predicted = np.load(tmp_path / "pred.npy")
    assert np.array_equal(predicted, head.predict(expected).numpy())
    loss = head.loss(expected, head.targets(torch.from_numpy(test.labels))).item()
    assert loss == pytest.approx(finished["summary"]["test_loss"], rel=1e-6)
    assert (predicted == test.labels).mean() == pytest.approx(finished["summary"]["test_accuracy"], abs=1e-6)


def test_onnx_has_the_networks_inputs_and_outputs(api, finished):
    model = onnx.load_from_string(exported(api, finished["id"], "onnx").content)
    onnx.checker.check_model(model)

    def shape(value):
        return [d.dim_param or d.dim_value for d in value.type.tensor_type.shape.dim]
    assert [(v.name, shape(v)) for v in model.graph.input] == [("features", ["batch", 4])]
    assert [(v.name, shape(v)) for v in model.graph.output] == [("output", ["batch", 1])]


def test_the_script_trains_the_run_again_from_scratch(api, tmp_path):
    run = api.submit(PLAIN)
    assert api.all_events(run["id"])[-1]["data"]["status"] == "succeeded"
    finished = api.run(run["id"])
    script = exported(api, finished["id"], "script")
    (tmp_path / "train.py").write_text(script.text)
    done = subprocess.run([sys.executable, "train.py"], capture_output=True, text=True, cwd=tmp_path, timeout=300,
                          env={**os.environ, "OMP_NUM_THREADS": "1"})  # one thread, as the server's workers train
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert len(lines) == SPEC["train"]["epochs"]
    test_metrics = ast.literal_eval(lines[-1].split(" test ", 1)[1])
    summary = finished["summary"]
    assert test_metrics["accuracy"] == summary["test_accuracy"]
    # A batch's matmuls round differently from a lone run's in the last bits.
    assert test_metrics["loss"] == pytest.approx(summary["test_loss"], rel=1e-5)
    trained = torch.load(tmp_path / "model.pt")
    kept = torch.load(io.BytesIO(exported(api, finished["id"], "state_dict").content))
    assert trained.keys() == kept.keys()
    for key in kept:
        assert torch.allclose(trained[key], kept[key], atol=1e-5), key


def test_no_weights_yet_an_unknown_format_or_run_and_a_sequence_runs_script(api):
    run = api.submit(LONG)
    with api.stream(run["id"]) as ws:
        api.events_until(ws, status_is("running"))
        for format in ("state_dict", "onnx"):
            refused = api.http.get(f"/runs/{run['id']}/export", params={"format": format})
            assert refused.status_code == 409 and "no final weights" in refused.json()["detail"]
        assert api.http.get(f"/runs/{run['id']}/export", params={"format": "pytorch"}).status_code == 200
        bad = api.http.get(f"/runs/{run['id']}/export", params={"format": "keras"})
        assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["query", "format"]
        assert api.control(run["id"], "stop").status_code == 202
    api.all_events(run["id"])
    assert exported(api, run["id"], "state_dict").content  # a stopped run keeps its weights
    assert api.http.get("/runs/no-such-run/export").status_code == 404

    sequence = api.submit({"data": {"dataset": "reverse", "n_samples": 20},
                           "model": {"layers": [{"type": "embedding", "dim": 4}, {"type": "gru", "hidden": 4}]},
                           "train": {"epochs": 100000}, "stream": {"max_fps": 0}})
    script = api.http.get(f"/runs/{sequence['id']}/export", params={"format": "script"})  # the spec is enough
    assert script.status_code == 200 and b"def main()" in script.content
    api.control(sequence["id"], "stop")
    api.all_events(sequence["id"])
    assert b"def build_model" in exported(api, sequence["id"], "pytorch").content
    assert exported(api, sequence["id"], "state_dict").content  # its stopped weights


IMAGES = {"data": {"dataset": "shapes", "n_samples": 36},
          "model": {"layers": [{"type": "conv2d", "filters": 3, "batchnorm": True}, {"type": "maxpool2d"},
                               {"type": "residual", "layers": [{"type": "conv2d", "filters": 4, "stride": 2}]},
                               {"type": "flatten"}, {"type": "dropout"}]},
          "train": {"epochs": 2, "batch_size": 8}, "stream": {"max_fps": 0}}

FRESH_IMAGES = LOAD + """
with torch.no_grad():
    output = model(torch.from_numpy(np.load(sys.argv[3])))
np.save(sys.argv[4], output.numpy())
np.save(sys.argv[5], exported.predict(output).numpy())
print(",".join(exported.CLASSES))
"""


def test_an_image_runs_cnn_reproduces_its_predictions_in_a_fresh_interpreter(api, tmp_path):
    from workers.engine.kinds.images.data import make_images
    from workers.engine.kinds.images.kind import ImageKind

    run = api.submit(IMAGES)
    assert api.all_events(run["id"])[-1]["data"]["status"] == "succeeded"
    finished = api.run(run["id"])
    (tmp_path / "model.py").write_text(exported(api, run["id"], "pytorch").text)
    (tmp_path / "model.pt").write_bytes(exported(api, run["id"], "state_dict").content)
    spec = Spec.model_validate(finished["spec"])
    _, test = make_images("shapes", 36, spec.data.noise, spec.data.test_fraction, spec.data.seed, None)
    np.save(tmp_path / "images.npy", test.images)
    stored = [e for e in api.http.get(f"/runs/{run['id']}/events").json() if e["type"] == "final_weights"]
    engine = ImageKind(spec, "cpu", False)
    engine.model.load_state_dict({k: torch.from_numpy(decode(v).copy()).to(engine.model.state_dict()[k].dtype)
                                  for k, v in stored[-1]["data"]["state"].items()})
    engine.model.eval()
    with torch.no_grad():
        expected = engine.model(torch.from_numpy(test.images))

    files = [tmp_path / name for name in ("model.py", "model.pt", "images.npy", "out.npy", "pred.npy")]
    done = subprocess.run([sys.executable, "-c", FRESH_IMAGES, *map(str, files)], capture_output=True, text=True,
                          cwd=tmp_path, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().split(",") == engine.classes
    assert np.array_equal(np.load(tmp_path / "out.npy"), expected.numpy())
    predicted = np.load(tmp_path / "pred.npy")
    assert (predicted == test.labels).mean() == pytest.approx(finished["summary"]["test_accuracy"], abs=1e-6)
    assert exported(api, run["id"], "onnx").content
    script = exported(api, run["id"], "script")  # the server trains an image run alone: bit for bit again
    (tmp_path / "train.py").write_text(script.text)
    (tmp_path / "model.pt").unlink()
    done = subprocess.run([sys.executable, "train.py"], capture_output=True, text=True, cwd=tmp_path, timeout=300,
                          env={**os.environ, "OMP_NUM_THREADS": "1"})  # one thread, as the server's workers train
    assert done.returncode == 0, done.stderr
    kept = torch.load(io.BytesIO(exported(api, run["id"], "state_dict").content))
    trained = torch.load(tmp_path / "model.pt")
    assert [key for key in kept if not torch.equal(trained[key], kept[key])] == []


# A run on an uploaded CSV: the exported code standardises the file's own rows as the run did.
UPLOADED_CSV = "weight;length;label\n" + "".join(
    f"{50 + 40 * np.sin(i):.3f};{0.01 * (i % 9):.2f};{'heavy' if np.sin(i) + 0.3 * (i % 9 - 4) / 4 > 0 else 'light'}\n"
    for i in range(60))

FRESH_TABLE = LOAD + """
with torch.no_grad():
    output = model(exported.features(np.load(sys.argv[3])))
np.save(sys.argv[4], output.numpy())
print(" ".join(exported.CLASSES[i] for i in exported.predict(output)))
print(",".join(exported.FEATURES), exported.TARGET)
"""


def test_a_run_on_an_uploaded_dataset_reproduces_its_predictions_in_a_fresh_interpreter(api, tmp_path):
    from backend.services.csv_table import CsvLimits, read_table
    from workers.engine.kinds.points.kind import PointsKind
    from workers.engine.kinds.points.table import standardised
    from workers.engine.kinds.points.table_spec import Table

    uploaded = api.http.post("/datasets", files={"file": ("fruit.csv", UPLOADED_CSV.encode(), "text/csv")})
    assert uploaded.status_code == 201, uploaded.text
    run = api.submit({"data": {"dataset": "fruit", "test_fraction": 0.3, "seed": 5},
                      "model": {"layers": [{"units": 6, "activation": "relu"}]},
                      "train": {"epochs": 15, "batch_size": 8}, "stream": {"max_fps": 0}})
    assert api.all_events(run["id"])[-1]["data"]["status"] == "succeeded"
    finished = api.run(run["id"])
    (tmp_path / "model.py").write_text(exported(api, run["id"], "pytorch").text)
    (tmp_path / "model.pt").write_bytes(exported(api, run["id"], "state_dict").content)

    # The file's own rows of the run's test split, and the engine's model with the stored weights on them.
    table = Table.model_validate(read_table(UPLOADED_CSV.encode(), None, "auto", CsvLimits(5000, 20)))
    how = standardised(table, 0.3, 5)
    test_rows = np.asarray(table.x)[how.order[how.n_train:]]
    np.save(tmp_path / "rows.npy", test_rows)
    spec = Spec.model_validate({**finished["spec"], "data": {**finished["spec"]["data"], "table": table.model_dump()}})
    engine = PointsKind(spec, "cpu", False)
    stored = [e for e in api.http.get(f"/runs/{run['id']}/events").json() if e["type"] == "final_weights"]
    engine.model.load_state_dict({k: torch.from_numpy(decode(v).copy())
                                  for k, v in stored[-1]["data"]["state"].items()})
    engine.model.eval()
    with torch.no_grad():
        expected = engine.model(engine.x_test)

    files = [tmp_path / name for name in ("model.py", "model.pt", "rows.npy", "out.npy")]
    done = subprocess.run([sys.executable, "-c", FRESH_TABLE, *map(str, files)], capture_output=True, text=True,
                          cwd=tmp_path, timeout=120)
    assert done.returncode == 0, done.stderr
    answers, names = done.stdout.strip().splitlines()
    assert names == "weight,length label"
    assert np.array_equal(np.load(tmp_path / "out.npy"), expected.numpy())  # the same outputs, bit for bit
    truth = [table.classes[int(y)] for y in np.asarray(table.y)[how.order[how.n_train:]]]
    assert answers.split() == [table.classes[i] for i in engine.head.predict(expected)]
    hits = np.mean([a == t for a, t in zip(answers.split(), truth)])
    assert hits == pytest.approx(finished["summary"]["test_accuracy"], abs=1e-6)
    onnx.checker.check_model(onnx.load_from_string(exported(api, run["id"], "onnx").content))
    script = exported(api, run["id"], "script").text
    assert "ROWS = [" in script and "--csv" in script
