"""workers/engine/export: the generated code, with the run's final weights, computes what the engine's model
computes, bit for bit, for every activation, loss and layer option; the training script remakes the data
and, for a run trained alone, the same weights."""
from __future__ import annotations

import io

import numpy as np
import onnx
import pytest
import torch

from tests.workers.engine.exports import assert_same_weights, exported_network, namespace, run_script, trained
from tests.workers.engine.helpers import final, spec
from workers.engine.choices import ACTIVATIONS
from workers.engine.datasets import n_classes
from workers.engine.events import decode
from workers.engine.export import NotExportable, export
from workers.engine.kinds.points.datasets import FEATURES, PLANE_DATASETS, featurize, make_data
from workers.engine.kinds.points.model import MLP
from workers.engine.losses import make_head

ALL_FEATURES = list(FEATURES)


def engine_model(s, state) -> tuple[MLP, object]:
    head = make_head(s.train.loss, PLANE_DATASETS[s.data.dataset].task, s.model.output_activation,
                     n_classes(s.data.dataset, s.data))
    model = MLP(len(s.data.features), [layer.model_dump() for layer in s.model.layers], head.n_outputs)
    model.load_state_dict({k: torch.from_numpy(decode(v).copy()).to(model.state_dict()[k].dtype)
                           for k, v in state.items()})
    return model.eval(), head


CASES = [
    *[({"dataset": "xor", "n_samples": 40, "features": ALL_FEATURES},
       {"layers": [{"units": 3, "activation": activation}]}, {}) for activation in ACTIVATIONS],
    ({"dataset": "circle", "n_samples": 40}, {"layers": [{"units": 4, "activation": "relu", "batchnorm": True},
                                                         {"units": 3, "activation": "maxout", "dropout": 0.2}]}, {}),
    ({"dataset": "moons", "n_samples": 40}, {"layers": [{"units": 3}]}, {"loss": "cross_entropy"}),
    ({"dataset": "gauss", "n_samples": 40}, {"layers": [{"units": 3}], "output_activation": "sigmoid"},
     {"loss": "mse"}),
    ({"dataset": "plane", "n_samples": 40}, {"layers": [{"units": 3, "activation": "elu"}]}, {}),
    ({"dataset": "multi-gauss", "n_samples": 40}, {"layers": [], "output_activation": "tanh"}, {}),
    ({"dataset": "blobs", "n_samples": 40, "classes": 4}, {"layers": [{"units": 3}]}, {}),  # k-class softmax
]


@pytest.mark.parametrize("data, model, train", CASES)
def test_exported_code_and_weights_compute_what_the_engine_computes(data, model, train):
    s = spec(data=data, model=model, train={"epochs": 2, "batch_size": 8, **train})
    _, state = trained(s)
    source = export("r" * 12, None, s, state, "pytorch").content.decode()
    weights = torch.load(io.BytesIO(export("r" * 12, None, s, state, "state_dict").content))
    exported = namespace(source)
    network = exported["build_model"]()
    network.load_state_dict(weights)
    network.eval()
    engine, head = engine_model(s, state)
    _, test = make_data(s.data.dataset, s.data.n_samples, s.data.noise, s.data.test_fraction, s.data.features,
                        s.data.seed, s.data.classes)
    with torch.no_grad():
        inputs = exported["features"](test.points)
        assert torch.equal(inputs, torch.from_numpy(test.inputs))
        output, expected = network(inputs), engine(inputs)
    assert torch.equal(output, expected)
    answers = exported["predict"](output)
    if head.task == "classification":
        assert torch.equal(answers, head.predict(expected))
    else:
        assert torch.equal(answers, head.score(expected))
    assert exported["FEATURES"] == s.data.features
    graph = onnx.load_from_string(export("r" * 12, None, s, state, "onnx").content)
    onnx.checker.check_model(graph)


def test_every_feature_is_computed_as_the_engine_computes_it():
    s = spec(data={"dataset": "spiral", "features": ALL_FEATURES})
    points = np.random.default_rng(0).uniform(-6, 6, (50, 2)).astype(np.float32)
    computed = namespace(export("r" * 12, None, s, None, "pytorch").content.decode())["features"](points)
    assert np.array_equal(computed.numpy(), featurize(points, ALL_FEATURES))


@pytest.mark.parametrize("dataset", PLANE_DATASETS)
def test_the_script_makes_the_same_data(dataset):
    s = spec(data={"dataset": dataset, "n_samples": 30, "noise": 0.2, "test_fraction": 0.3, "seed": 5})
    script = namespace(export("r" * 12, None, s, None, "script").content.decode())
    (train_points, train_labels), (test_points, test_labels) = script["make_data"]()
    train, test = make_data(dataset, 30, 0.2, 0.3, s.data.features, 5)
    for got, want in ((train_points, train.points), (train_labels, train.labels), (test_points, test.points),
                      (test_labels, test.labels)):
        assert np.array_equal(got, want)


def test_the_script_trains_a_run_again_exactly(tmp_path):
    """Trained alone, a run's weights and metrics are what its script makes: same seeds, same steps."""
    s = spec(data={"dataset": "spiral", "n_samples": 60, "features": ["x1", "x2", "x1_x2", "sin_x1"]},
             model={"layers": [{"units": 5, "activation": "maxout", "batchnorm": True},
                               {"units": 3, "activation": "prelu", "dropout": 0.1}], "init": "he_normal",
                       "bias_init": 0.1},
             train={"epochs": 3, "l2": 0.001, "grad_clip": 1.0,
                    "optimizer": {"name": "sgd", "lr": 0.1, "momentum": 0.5},
                    "schedule": {"name": "step", "every": 1, "gamma": 0.5}})
    events, state = trained(s)
    lines, trained_again = run_script(tmp_path, s, state)
    summary = final(events)["summary"]
    assert f"'loss': {summary['train_loss']!r}" in lines[-1] and f"'loss': {summary['test_loss']!r}" in lines[-1]
    assert_same_weights(s, state, trained_again)


def test_missing_weights_and_unknown_formats_are_refused():
    with pytest.raises(NotExportable, match="no final weights"):
        export("r" * 12, None, spec(data={"dataset": "xor"}), None, "onnx")
    with pytest.raises(ValueError, match="unknown format"):
        export("r" * 12, None, spec(data={"dataset": "xor"}), None, "keras")


IMAGE_LAYERS = [
    {"type": "conv2d", "filters": 3, "kernel": 4, "padding": "same", "stride": 2, "batchnorm": True},  # uneven pad
    {"type": "maxpool2d"},
    {"type": "residual", "layers": [{"type": "conv2d", "filters": 4, "stride": 2, "activation": "maxout"},
                                    {"type": "batchnorm"}]},  # a 1×1 projection
    {"type": "residual", "layers": [{"type": "conv2d", "filters": 4, "activation": "prelu"}]},  # x itself
    {"type": "avgpool2d"}, {"type": "flatten"}, {"type": "dropout"},
    {"units": 5, "activation": "elu", "batchnorm": True, "dropout": 0.1},
]


@pytest.mark.parametrize("layers", [IMAGE_LAYERS, [{"type": "conv2d", "filters": 2}, {"type": "global_avgpool"}]])
def test_an_image_runs_exported_cnn_computes_what_the_engine_computes(layers):
    from workers.engine.kinds.images.data import make_images
    from workers.engine.kinds.images.kind import ImageKind

    s = spec(data={"dataset": "shapes", "n_samples": 36}, model={"layers": layers},
             train={"epochs": 1, "batch_size": 8})
    _, state = trained(s)
    exported, network = exported_network(s, state)
    engine = ImageKind(s, "cpu", False)
    engine.model.load_state_dict({k: torch.from_numpy(decode(v).copy()).to(engine.model.state_dict()[k].dtype)
                                  for k, v in state.items()})
    engine.model.eval()
    _, test = make_images("shapes", 36, s.data.noise, s.data.test_fraction, s.data.seed, None)
    with torch.no_grad():
        output = network(torch.from_numpy(test.images))
        expected = engine.model(torch.from_numpy(test.images))
    assert torch.equal(output, expected)
    assert torch.equal(exported["predict"](output), engine.head.predict(expected))
    assert exported["CLASSES"] == engine.classes and exported["INPUT"] == list(test.images.shape[1:])
    graph = onnx.load_from_string(export("r" * 12, None, s, state, "onnx").content)
    onnx.checker.check_model(graph)
    dims = [d.dim_param or d.dim_value for d in graph.graph.input[0].type.tensor_type.shape.dim]
    assert graph.graph.input[0].name == "images" and dims == ["batch", *test.images.shape[1:]]


@pytest.mark.parametrize("data, layers, model, train, fresh", [  # fresh: see exports.run_file
    ({"dataset": "shapes", "n_samples": 36}, IMAGE_LAYERS, {}, {}, True),
    ({"dataset": "digits", "n_samples": 60, "image_size": 12,  # resampled, augmented
      "augment": {"shift": 1, "flip": True, "rotate": 10, "noise": 0.1}},
     [{"type": "conv2d", "filters": 2}, {"type": "global_avgpool"}], {"bias_init": 0.1}, {"l2": 0.001}, False),
    ({"dataset": "textures", "n_samples": 24}, [{"type": "conv2d", "filters": 2, "stride": 2}, {"type": "flatten"}],
     {}, {"loss": "mse", "optimizer": {"name": "sgd", "lr": 0.05}, "schedule": {"name": "step", "every": 1}}, False),
])
def test_an_image_runs_script_trains_it_again_exactly(tmp_path, data, layers, model, train, fresh):
    """Trained alone, an image run's CNN and metrics are what its script makes: the same images, resampling,
    augmentation draws, seeds and steps."""
    s = spec(data=data, model={"layers": layers, **model}, train={"epochs": 2, "batch_size": 8, **train})
    events, state = trained(s)
    lines, trained_again = run_script(tmp_path, s, state, fresh=fresh)
    summary = final(events)["summary"]
    last = lines[-1]
    assert f"'test_loss': {summary['test_loss']!r}" in last and f"'test_accuracy': {summary['test_accuracy']!r}" in last
    assert_same_weights(s, state, trained_again)


@pytest.mark.parametrize("train", [
    {"epochs": 10, "early_stopping": {"patience": 2, "min_delta": 0.05, "restore_best": True}},
    {"epochs": 10, "max_steps": 7, "optimizer": {"name": "rmsprop", "lr": 0.01, "momentum": 0.9}},
    {"epochs": 2, "loss": "mse", "l1": 0.001, "weight_elimination": {"lambda": 0.001, "beta": 1.0},
     "schedule": {"name": "cosine_restarts", "period": 1}},
])
def test_the_script_stops_as_the_run_stops(tmp_path, train):
    s = spec(data={"dataset": "circle", "n_samples": 40}, model={"layers": [{"units": 3}]},
             train={"batch_size": 4, **train})
    _, state = trained(s)
    _, trained_again = run_script(tmp_path, s, state, fresh=False)  # the fresh one: the test above
    assert_same_weights(s, state, trained_again)
