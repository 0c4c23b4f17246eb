"""Autoencoders: the mirrored decoder's shapes, the spec's rules, the latent and reconstructions events, and
a reconstruction loss that falls."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from workers.engine import Limits, problems
from workers.engine.checks import network_plan
from workers.engine.events import decode
from workers.engine.kinds.autoencoders.model import Autoencoder
from workers.engine.probes.latent import LATENT_POINTS, LatentData
from workers.engine.probes.reconstructions import ReconstructionsData

from tests.workers.engine.helpers import final, of, run, spec

FLAT, RELU64 = {"type": "flatten"}, {"units": 64, "activation": "relu"}


def conv(filters: int, **options) -> dict:
    return {"type": "conv2d", "filters": filters, **options}


def ae(dataset: str = "ae-digits", layers=(FLAT, RELU64), autoencoder=None, n: int = 200, **sections) -> dict:
    model = {"layers": list(layers), **({"autoencoder": autoencoder} if autoencoder is not None else {})}
    return {"data": {"dataset": dataset, "n_samples": n, "noise": 0.0}, "model": model, **sections}


@pytest.mark.parametrize("layers, shape", [
    ([FLAT, RELU64], (1, 8, 8)),
    ([], (1, 8, 8)),  # no encoder layers: a linear code of the pixels (the course's note: like PCA)
    ([conv(4, stride=2), {"type": "maxpool2d"}], (1, 8, 8)),  # the code layer flattens; upsampling undoes pooling
    ([conv(3, kernel=5, padding="valid"), conv(4, stride=2), {"type": "dropout"}, {"type": "batchnorm"}, FLAT,
      {"units": 16, "activation": "maxout"}], (1, 28, 28)),
    ([conv(2, kernel=4, stride=3, padding="valid")], (1, 28, 28)),  # a stride that does not divide: padded back
])
def test_the_decoder_mirrors_the_encoder_back_to_the_image(layers, shape):
    dataset = "ae-digits" if shape[-1] == 8 else "ae-shapes"
    s = spec(**ae(dataset, layers, {"code": 3}))
    assert problems(s, Limits()) == []
    planned, input_shape, _ = network_plan(s)
    assert input_shape == shape and planned.output_in == shape
    model = Autoencoder(shape, [layer.model_dump() for layer in s.model.layers], 3, "linear")
    x = torch.rand(5, *shape)
    assert model.encode(x).shape == (5, 3) and model(x).shape == (5, *shape)
    assert sum(p.numel() for p in model.parameters()) == planned.parameters
    names = list(model.linears())
    assert "code" in names and names[-1].startswith("decoder.")


def test_the_decoder_takes_the_activations_that_made_each_representation():
    planned, _, _ = network_plan(spec(**ae(layers=[conv(4, activation="tanh"), FLAT, RELU64])))
    by_name = {step.name: step for step in planned.steps}
    assert by_name["decoder.dense1"].layer["activation"] == "relu"  # code -> 64: as dense1 made its 64
    assert by_name["decoder.dense2"].layer["activation"] == "tanh"  # 64 -> 4·8·8: as conv1 made its maps
    assert by_name["decoder.conv1"].layer["activation"] == "linear"  # -> the image: the loss's activation
    assert [s.type for s in planned.steps][-3:] == ["dense", "unflatten", "conv_transpose2d"]


@pytest.mark.parametrize("body, loc, words", [
    (ae(train={"loss": "cross_entropy"}), ("train", "loss"), "reconstruction dataset"),
    (ae(n=1800), ("data", "n_samples"), "1797 images"),
    ({**ae(), "data": {"dataset": "ae-digits", "augment": {"flip": True}}}, ("data", "augment"), "image datasets"),
    ({"data": {"dataset": "digits"}, "model": {"layers": [FLAT], "autoencoder": {"code": 2}}},
     ("model", "autoencoder"), "not an autoencoder dataset"),
    (ae(layers=[{"type": "residual"}]), ("model", "layers", 0, "type"), "autoencoder dataset"),
    (ae(layers=[RELU64]), ("model", "layers", 0, "type"), "flat input"),
])
def test_the_spec_rules_name_the_field_at_fault(body, loc, words):
    found = problems(spec(**body), Limits())
    assert [p.loc for p in found] == [loc] and words in found[0].msg, found


def test_bce_and_mse_both_fit_a_reconstruction():
    for loss in ("auto", "mse", "bce"):
        assert problems(spec(**ae(train={"loss": loss})), Limits()) == []


def visual_run(autoencoder: dict, epochs: int = 2, **data) -> list[dict]:
    body = ae(autoencoder=autoencoder, train={"epochs": epochs})
    body["data"].update(data)
    return run(spec(**body, stream={"max_fps": 60}))


def test_latent_events_carry_the_code_itself_for_two_units_else_two_principal_components():
    for code, projection in ((2, "code"), (1, "code"), (6, "pca")):
        events = visual_run({"code": code})
        latent = of(events, "latent")
        assert final(events)["status"] == "succeeded" and len(latent) >= 2
        data = latent[-1]["data"]
        LatentData.model_validate(data)
        points = decode(data["points"])
        n = min(LATENT_POINTS, 100)  # 200 images, half of them in the test split
        assert points.shape == (n, min(code, 2)) and len(data["labels"]) == n
        assert data["projection"] == projection and data["code_units"] == code
        assert data["classes"] == [str(d) for d in range(10)] and set(data["labels"]) <= set(range(10))
        if projection == "pca":
            assert len(data["explained"]) == 2 and 1 >= data["explained"][0] >= data["explained"][1] > 0
            assert abs(points.mean(axis=0)).max() < 1e-3  # centred
        else:
            assert "explained" not in data


def test_reconstructions_show_one_test_image_per_class_beside_its_reconstruction():
    plain = of(visual_run({"code": 4}), "reconstructions")[-1]["data"]
    ReconstructionsData.model_validate(plain)
    inputs, outputs = decode(plain["inputs"]), decode(plain["outputs"])
    assert inputs.shape == outputs.shape == (10, 1, 8, 8) and plain["labels"] == [str(d) for d in range(10)]
    assert plain["inputs"]["dtype"] == "uint8" and (plain["outputs"]["min"], plain["outputs"]["max"]) == (0.0, 1.0)
    assert "clean" not in plain and not np.allclose(inputs, outputs, atol=0.05)  # two epochs: no copy yet

    noisy = of(visual_run({"code": 4, "noise": 0.3}), "reconstructions")[-1]["data"]
    clean = decode(noisy["clean"])
    assert clean.shape == (10, 1, 8, 8) and np.allclose(clean, inputs, atol=1 / 255)  # the same images, clean
    assert np.abs(decode(noisy["inputs"]) - clean).mean() > 0.1  # shown with the noise


def test_shapes_reconstruct_at_their_own_size():
    events = run(spec(**ae("ae-shapes", [conv(4, stride=2)], {"code": 8}, n=60, train={"epochs": 1}),
                      stream={"max_fps": 60}))
    data = of(events, "reconstructions")[-1]["data"]
    assert decode(data["outputs"]).shape == (6, 1, 28, 28) and len(data["labels"]) == 6


def test_the_reconstruction_loss_falls_at_least_by_half_on_digits():
    events = run(spec(**ae(autoencoder={"code": 16}, n=1797,
                           train={"optimizer": {"name": "adam", "lr": 0.003}, "batch_size": 32, "epochs": 10})))
    losses = [e["data"]["test_loss"] for e in of(events, "metrics")]
    assert final(events)["status"] == "succeeded"
    assert losses[-1] < 0.5 * losses[0], losses
    assert all("test_accuracy" not in e["data"] for e in of(events, "metrics"))
