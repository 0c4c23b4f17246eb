"""GET /runs/{id}/export of GAN and autoencoder runs trained by the real server: the exported code and weights,
loaded in a fresh interpreter, reproduce the run exactly: the generator's samples from the run's fixed noise, the
autoencoder's reconstructions of the test images; their ONNX loads with the right shapes; their training
scripts train them again."""
from __future__ import annotations

import io
import os
import subprocess
import sys

import numpy as np
import onnx
import torch

from tests.backend.api.exports import LOAD, exported
from workers.engine import Spec
from workers.engine.events import decode

# In a fresh interpreter: what the exported network computes, saved.
FRESH_GAN = LOAD + """
with torch.no_grad():
    np.save(sys.argv[3], exported.sample(model).numpy())
    np.save(sys.argv[4], exported.realness(model, np.load(sys.argv[5])).numpy())
"""
FRESH_AUTOENCODER = LOAD + """
with torch.no_grad():
    images = torch.from_numpy(np.load(sys.argv[3]))
    np.save(sys.argv[4], exported.reconstruct(model(images)).numpy())
    np.save(sys.argv[5], model.encode(images).numpy())
"""


def finished_with_weights(api, body: dict, kind_class, tmp_path):
    """The run, trained; its exported code and weights on disk; the engine's kind holding its stored weights."""
    run = api.submit(body)
    assert api.all_events(run["id"])[-1]["data"]["status"] == "succeeded"
    (tmp_path / "model.py").write_bytes(exported(api, run["id"], "pytorch").content)
    (tmp_path / "model.pt").write_bytes(exported(api, run["id"], "state_dict").content)
    stored = [e for e in api.http.get(f"/runs/{run['id']}/events").json() if e["type"] == "final_weights"]
    engine = kind_class(Spec.model_validate(api.run(run["id"])["spec"]), "cpu", False)
    kept = engine.kept_model()
    kept.load_state_dict({k: torch.from_numpy(decode(v).copy()).to(kept.state_dict()[k].dtype)
                          for k, v in stored[-1]["data"]["state"].items()})
    kept.eval()
    return run, engine


def fresh(script: str, tmp_path, *names: str) -> None:
    files = [str(tmp_path / name) for name in ("model.py", "model.pt", *names)]
    done = subprocess.run([sys.executable, "-c", script, *files], capture_output=True, text=True, cwd=tmp_path,
                          timeout=120)
    assert done.returncode == 0, done.stderr


def shapes(graph: bytes) -> list[tuple[str, list]]:
    model = onnx.load_from_string(graph)
    onnx.checker.check_model(model)
    return [(v.name, [d.dim_param or d.dim_value for d in v.type.tensor_type.shape.dim])
            for v in [*model.graph.input, *model.graph.output]]


def test_a_gans_generator_samples_the_runs_points_from_its_fixed_noise_in_a_fresh_interpreter(api, tmp_path):
    from workers.engine.kinds.gan.kind import GanKind
    from workers.engine.probes.boundary import plane

    run, engine = finished_with_weights(api, {
        "data": {"dataset": "ring", "n_samples": 200, "noise": 0.2},
        "model": {"layers": [{"units": 8, "activation": "relu"}]},
        "gan": {"noise_dim": 2, "discriminator": {"layers": [{"units": 8, "activation": "relu"}]}},
        "train": {"epochs": 3, "batch_size": 20, "seed": 6}, "stream": {"max_fps": 0}}, GanKind, tmp_path)
    grid = plane(8)
    np.save(tmp_path / "grid.npy", grid)
    fresh(FRESH_GAN, tmp_path, "fake.npy", "field.npy", "grid.npy")
    with torch.no_grad():
        fake = engine.model(engine.z_eval)  # the points the run's metrics were measured on
        field = torch.sigmoid(engine.discriminator(torch.from_numpy(grid)))[:, 0]
    assert np.array_equal(np.load(tmp_path / "fake.npy"), fake.numpy())
    assert np.array_equal(np.load(tmp_path / "field.npy"), field.numpy())
    # the run's own last measure of G, from those points
    history = api.http.get(f"/runs/{run['id']}/metrics").json()
    assert abs(engine.evaluate()["energy_distance"] - history["energy_distance"][-1]) < 1e-6
    assert shapes(exported(api, run["id"], "onnx").content) == [("noise", ["batch", 2]), ("output", ["batch", 2])]

    assert_script_trains_it_again(api, run["id"], tmp_path)  # both networks


def assert_script_trains_it_again(api, run_id: str, tmp_path) -> None:
    """The run's training script makes its weights again, bit for bit (the server trains these runs alone)."""
    (tmp_path / "train.py").write_bytes(exported(api, run_id, "script").content)
    (tmp_path / "model.pt").unlink()
    done = subprocess.run([sys.executable, "train.py"], capture_output=True, text=True, cwd=tmp_path, timeout=300,
                          env={**os.environ, "OMP_NUM_THREADS": "1"})  # one thread, as the server's workers train
    assert done.returncode == 0, done.stderr
    kept = torch.load(io.BytesIO(exported(api, run_id, "state_dict").content))
    trained = torch.load(tmp_path / "model.pt")
    assert [key for key in kept if not torch.equal(trained[key], kept[key])] == []


def test_an_autoencoders_reconstructions_of_the_test_images_in_a_fresh_interpreter(api, tmp_path):
    from workers.engine.kinds.autoencoders.kind import AutoencoderKind

    run, engine = finished_with_weights(api, {
        "data": {"dataset": "ae-digits", "n_samples": 120},
        "model": {"layers": [{"type": "conv2d", "filters": 4, "stride": 2, "padding": "same"}, {"type": "flatten"},
                             {"type": "dense", "units": 16, "activation": "relu"}], "autoencoder": {"code": 4}},
        "train": {"epochs": 3, "batch_size": 16}, "stream": {"max_fps": 0}}, AutoencoderKind, tmp_path)
    np.save(tmp_path / "images.npy", engine.x_test.numpy())
    fresh(FRESH_AUTOENCODER, tmp_path, "images.npy", "pictures.npy", "codes.npy")
    with torch.no_grad():
        output = engine.model(engine.x_test)
        pictures, codes = engine.reconstruct(output), engine.model.encode(engine.x_test)
    assert np.array_equal(np.load(tmp_path / "pictures.npy"), pictures.numpy())
    assert np.array_equal(np.load(tmp_path / "codes.npy"), codes.numpy())
    test_loss = engine.head.loss(output, engine.x_test).item()
    assert abs(test_loss - api.run(run["id"])["summary"]["test_loss"]) < 1e-6
    graph = exported(api, run["id"], "onnx").content
    assert shapes(graph) == [("images", ["batch", 1, 8, 8]), ("output", ["batch", 1, 8, 8])]
    assert_script_trains_it_again(api, run["id"], tmp_path)
