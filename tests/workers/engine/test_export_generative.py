"""workers/engine/export of GANs and autoencoders: the exported code, with the run's final weights, computes what
the engine's networks compute, bit for bit: a GAN's generator on the run's own fixed noise and its discriminator's
field, an autoencoder's codes and reconstructions of the test images; ONNX has the right inputs and outputs."""
from __future__ import annotations

import ast

import onnx
import pytest
import torch

from tests.workers.engine.exports import assert_same_weights, exported_network, run_script, trained
from tests.workers.engine.helpers import of, run, spec
from workers.engine.events import decode
from workers.engine.export import NotExportable, export


def exported_and_engine(s, kind_class):
    _, state = trained(s)
    code, network = exported_network(s, state)
    engine = kind_class(s, "cpu", False)
    weights = {k: torch.from_numpy(decode(v).copy()) for k, v in state.items()}
    engine.kept_model().load_state_dict({k: w.to(engine.kept_model().state_dict()[k].dtype)
                                         for k, w in weights.items()})
    engine.kept_model().eval()
    return code, network, engine, state


def onnx_io(s, state) -> list[tuple[str, list]]:
    graph = onnx.load_from_string(export("r" * 12, None, s, state, "onnx").content)
    onnx.checker.check_model(graph)
    return [(v.name, [d.dim_param or d.dim_value for d in v.type.tensor_type.shape.dim])
            for v in [*graph.graph.input, *graph.graph.output]]


@pytest.mark.parametrize("generator, discriminator", [
    ([{"units": 4, "activation": "maxout", "batchnorm": True}], [{"units": 5, "dropout": 0.1}]),
    ([{"units": 6, "activation": "relu"}, {"units": 3, "activation": "prelu"}], []),
])
def test_a_gans_generator_and_discriminator_compute_what_the_run_computes(generator, discriminator):
    from workers.engine.kinds.gan.kind import GanKind
    from workers.engine.probes.boundary import plane

    s = spec(data={"dataset": "ring", "n_samples": 64}, model={"layers": generator},
             gan={"noise_dim": 3, "discriminator": {"layers": discriminator}}, train={"epochs": 2, "batch_size": 16})
    code, network, engine, state = exported_and_engine(s, GanKind)
    assert set(state) == {f"generator.{k}" for k in engine.model.state_dict()} | {
        f"discriminator.{k}" for k in engine.discriminator.state_dict()}
    with torch.no_grad():
        assert torch.equal(code["noise"](), engine.z_eval)  # the run's own fixed noise
        assert torch.equal(code["sample"](network), engine.model(engine.z_eval))  # the points the run measured
        grid = torch.from_numpy(plane(16))
        assert torch.equal(code["realness"](network, grid), torch.sigmoid(engine.discriminator(grid))[:, 0])
    assert code["NOISE_DIM"] == 3
    assert onnx_io(s, state) == [("noise", ["batch", 3]), ("output", ["batch", 2])]  # the generator's


AE_CASES = [
    ("ae-digits", [{"type": "flatten"}, {"type": "dense", "units": 8, "activation": "relu", "batchnorm": True}],
     {"code": 2}, {}),
    ("ae-digits", [{"type": "conv2d", "filters": 3, "stride": 2, "padding": "same"},  # uneven padding
                   {"type": "maxpool2d"}, {"type": "dropout"}, {"type": "flatten"},
                   {"type": "dense", "units": 5, "activation": "maxout"}],
     {"code": 3, "code_activation": "tanh", "noise": 0.3, "sparsity": 0.01}, {"loss": "bce"}),
    ("ae-shapes", [{"type": "conv2d", "filters": 4, "stride": 2, "kernel": 4, "padding": "same",  # a crop
                    "activation": "prelu", "batchnorm": True},
                   {"type": "avgpool2d"}], {"code": 4}, {}),
]


@pytest.mark.parametrize("dataset, layers, options, train", AE_CASES)
def test_an_autoencoders_codes_and_reconstructions_are_the_runs(dataset, layers, options, train):
    from workers.engine.kinds.autoencoders.kind import AutoencoderKind

    s = spec(data={"dataset": dataset, "n_samples": 48}, model={"layers": layers, "autoencoder": options},
             train={"epochs": 2, "batch_size": 16, **train})
    code, network, engine, state = exported_and_engine(s, AutoencoderKind)
    with torch.no_grad():
        assert torch.equal(network.encode(engine.x_test), engine.model.encode(engine.x_test))
        output = network(engine.x_test)
        assert torch.equal(output, engine.model(engine.x_test))
        assert torch.equal(code["reconstruct"](output), engine.reconstruct(output))  # the run's reconstructions
    shape = list(engine.x_test.shape[1:])
    assert code["INPUT"] == shape and code["CODE"] == options["code"] and code["CLASSES"] == engine.classes
    assert onnx_io(s, state) == [("images", ["batch", *shape]), ("output", ["batch", *shape])]


def last_metrics(lines: list[str]) -> dict:
    """The metrics the script printed last: the last epoch's, or the restored best's."""
    return ast.literal_eval(lines[-1][lines[-1].index("{"):])


@pytest.mark.parametrize("dataset, layers, options, train, fresh", [  # fresh: see exports.run_file
    ("ae-digits", [{"type": "flatten"}, {"type": "dense", "units": 8, "activation": "relu"}],
     {"code": 3, "noise": 0.3, "test_noise": 0.5, "sparsity": 0.01}, {}, True),  # denoising and sparse
    ("ae-shapes", [{"type": "conv2d", "filters": 3, "stride": 2, "batchnorm": True}, {"type": "maxpool2d"}],
     {"code": 4}, {"loss": "bce", "l2": 0.001, "grad_clip": 1.0, "max_steps": 3, "epochs": 5}, False),
])
def test_an_autoencoders_script_trains_it_again_exactly(tmp_path, dataset, layers, options, train, fresh):
    s = spec(data={"dataset": dataset, "n_samples": 40}, model={"layers": layers, "autoencoder": options},
             train={"epochs": 2, "batch_size": 16, **train})
    events, state = trained(s)
    lines, trained_again = run_script(tmp_path, s, state, fresh=fresh)
    last = last_metrics(lines)
    metrics = of(events, "metrics")[-1]["data"]
    assert (last["train_loss"], last["test_loss"]) == (metrics["train_loss"], metrics["test_loss"])
    assert_same_weights(s, state, trained_again)


@pytest.mark.parametrize("dataset, generator, discriminator, train, gan, fresh", [  # fresh: exports.run_file
    ("ring", [{"units": 6, "activation": "relu"}], [{"units": 5}], {},
     {"discriminator_steps": 2, "noise_dim": 3}, True),
    ("grid", [{"units": 4, "activation": "maxout", "batchnorm": True}], [{"units": 5, "dropout": 0.2}],
     {"optimizer": {"name": "sgd", "lr": 0.05, "momentum": 0.5}, "l2": 0.01, "grad_clip": 0.5,
      "schedule": {"name": "step", "every": 1, "gamma": 0.5}}, {"loss": "minimax"}, False),
    ("two_moons", [{"units": 4}], [{"units": 3, "activation": "prelu"}],
     {"epochs": 10, "max_steps": 7, "optimizer": {"name": "rmsprop", "lr": 0.01}}, {}, False),
    ("line", [{"units": 4}], [{"units": 4}],
     {"epochs": 10, "early_stopping": {"patience": 1, "min_delta": 0.5, "restore_best": True}}, {}, False),
])
def test_a_gans_script_trains_both_networks_again_exactly(tmp_path, dataset, generator, discriminator, train, gan,
                                                          fresh):
    """Trained alone, a GAN run's two networks and its last metrics are what its script makes: same seeds, same
    noise, the same updates of D and G."""
    s = spec(data={"dataset": dataset, "n_samples": 64}, model={"layers": generator},
             gan={"discriminator": {"layers": discriminator, "optimizer": {"lr": 0.005}}, **gan},
             train={"epochs": 3, "batch_size": 16, **train})
    events, state = trained(s)
    lines, trained_again = run_script(tmp_path, s, state, fresh=fresh)
    last = last_metrics(lines)
    metrics = of(events, "metrics")[-1]["data"]
    assert (last["generator_loss"], last["discriminator_loss"], last["energy_distance"]) == (
        metrics["generator_loss"], metrics["discriminator_loss"], metrics["energy_distance"])
    assert_same_weights(s, state, trained_again)


def test_a_gan_run_kept_before_both_networks_were_is_refused_saying_why():
    s = spec(data={"dataset": "ring", "n_samples": 64}, model={"layers": [{"units": 4}]}, train={"epochs": 1})
    events = run(s)
    state = of(events, "final_weights")[-1]["data"]["state"]
    generator_only = {k.removeprefix("generator."): v for k, v in state.items() if k.startswith("generator.")}
    with pytest.raises(NotExportable, match="generator's only"):
        export("r" * 12, None, s, generator_only, "state_dict")
