"""Impossible layer stacks and misplaced image settings are refused, naming the layer, the field and the shapes."""
from __future__ import annotations

import pytest
from pydantic import ValidationError

from workers.engine import Limits, Spec, problems

CONV, FLAT, GAP = {"type": "conv2d"}, {"type": "flatten"}, {"type": "global_avgpool"}


def found(body: dict, limits: Limits | None = None) -> list[tuple[tuple, str]]:
    return [(p.loc, p.msg) for p in problems(Spec.model_validate(body), limits or Limits())]


def digits(*layers, **data) -> dict:
    return {"data": {"dataset": "digits", **data}, "model": {"layers": list(layers)}}


@pytest.mark.parametrize("body, loc, words", [
    (digits(CONV, {"type": "maxpool2d"}, {"type": "maxpool2d"}, {"type": "conv2d", "kernel": 5, "padding": "valid"},
            FLAT),
     ("model", "layers", 3, "kernel"), "layer 3 (conv2d): kernel 5 is larger than its 2×2 input"),
    (digits({"type": "maxpool2d", "size": 9}, FLAT),
     ("model", "layers", 0, "size"), "layer 0 (maxpool2d): window 9 is larger than its 8×8 input"),
    (digits(CONV, {"units": 10}),
     ("model", "layers", 1, "type"), "layer 1 (dense): needs a flat input, but gets 8×8×8"),
    (digits(CONV, FLAT, CONV),
     ("model", "layers", 2, "type"), "layer 2 (conv2d): needs an image input (channels×height×width), but gets "
                                     "512 values"),
    (digits({"type": "residual", "layers": [{"type": "conv2d", "kernel": 3, "padding": "valid"}]}, GAP),
     ("model", "layers", 0, "layers"), "layer 0 (residual): its layers turn 1×8×8 into 8×6×6, and no strided 1×1 "
                                       "projection maps 8×8 onto 6×6"),
    (digits(CONV, {"type": "residual", "layers": [{"type": "maxpool2d"}, {"type": "conv2d", "kernel": 7,
                                                                            "padding": "valid"}]}, GAP),
     ("model", "layers", 1, "layers", 1, "kernel"),
     "layer 1.1 (conv2d, in the residual block at layer 1): kernel 7 is larger than its 4×4 input"),
    (digits(CONV, {"type": "residual", "layers": [FLAT]}),
     ("model", "layers", 1, "layers"), "cannot add an image and a flat vector"),
    (digits(CONV), ("model", "layers"), "the output layer needs a flat input, but the last layer, layer 0 (conv2d), "
                                        "gives 8×8×8"),
    (digits(), ("model", "layers"), "the output layer needs a flat input, but the images are 1×8×8"),
    ({"data": {"dataset": "xor"}, "model": {"layers": [{"units": 4}, CONV]}},
     ("model", "layers", 1, "type"), "layer 1 (conv2d): xor is a 2-D dataset, whose networks take dense layers only"),
    ({"data": {"dataset": "moons", "augment": {"shift": 1}}}, ("data", "augment"), "moons is a 2-D dataset"),
    ({"data": {"dataset": "moons", "image_size": 16}}, ("data", "image_size"), "image_size is for the image"),
    (digits(GAP, features=["x1_sq"]), ("data", "features"), "digits is an image dataset"),
    (digits(GAP, n_samples=2000), ("data", "n_samples"), "digits has 1797 images"),
    ({**digits(GAP), "train": {"loss": "bce"}}, ("train", "loss"), "digits has 10 classes and bce is for two"),
    ({**digits(GAP), "train": {"loss": "mse"}}, ("train", "loss"), "use cross_entropy"),
])
def test_impossible_specs_are_refused_naming_the_field(body, loc, words):
    problems_found = found(body)
    assert any(p_loc == loc and words in msg for p_loc, msg in problems_found), problems_found


def test_the_server_limits_apply_to_conv_layers_and_images():
    limits = Limits(max_filters=16, max_kernel=5, max_image_size=32, max_layers=3, max_parameters=1000)
    body = digits({"type": "conv2d", "filters": 17, "kernel": 7},
                  {"type": "residual", "layers": [{"type": "conv2d", "kernel": 9}, CONV, CONV, CONV]}, GAP,
                  image_size=64)
    locs = {loc for loc, _ in found(body, limits)}
    assert {("model", "layers", 0, "filters"), ("model", "layers", 0, "kernel"), ("model", "layers", 1, "layers"),
            ("model", "layers", 1, "layers", 0, "kernel"), ("data", "image_size")} <= locs
    too_big = found(digits({"type": "conv2d", "filters": 16}, FLAT), limits)
    assert too_big == [(("model", "layers"), "the network has 10410 parameters; this server allows at most 1000")]


def test_a_valid_cnn_spec_has_no_problems():
    assert found(digits(CONV, {"type": "maxpool2d"}, {"type": "residual"}, GAP, {"units": 16}, {"type": "dropout"},
                        augment={"shift": 1, "rotate": 10}, image_size=16)) == []


@pytest.mark.parametrize("layer, loc", [
    ({"type": "conv2d", "kernel": 0}, ("model", "layers", 0, "kernel")),
    ({"type": "conv2d", "padding": "full"}, ("model", "layers", 0, "padding")),
    ({"type": "conv3d"}, ("model", "layers", 0, "type")),
    ({"type": "maxpool2d", "colour": 1}, ("model", "layers", 0, "colour")),
    ({"type": "residual", "layers": [{"type": "residual"}]}, ("model", "layers", 0, "layers", 0, "type")),
    ({"type": "residual", "layers": [{"type": "dropout", "rate": 1}]}, ("model", "layers", 0, "layers", 0, "rate")),
    ({"type": "residual", "layers": []}, ("model", "layers", 0, "layers")),
    ({"type": "residual", "activation": "maxout"}, ("model", "layers", 0, "activation")),
    ({"units": "8"}, ("model", "layers", 0, "units")),
])
def test_field_errors_point_at_the_layers_own_field(layer, loc):
    with pytest.raises(ValidationError) as error:
        Spec.model_validate(digits(layer))
    assert [e["loc"] for e in error.value.errors()] == [loc]


def test_a_layer_without_a_type_is_dense():
    spec = Spec.model_validate({"data": {"dataset": "xor"}, "model": {"layers": [{"units": 4}]}})
    assert spec.model.layers[0].type == "dense" and spec.model_dump()["model"]["layers"][0]["type"] == "dense"
