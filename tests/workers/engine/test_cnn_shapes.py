"""Every layer type's output shape, as plan() works it out, is the shape torch's own layers give."""
from __future__ import annotations

import math

import pytest
import torch
from torch import nn
from torch.nn import functional as F

from workers.engine.kinds.images.model import CNN, MODULES, same_padding
from workers.engine.kinds.images.plan import SHAPES, plan
from workers.engine.kinds.sequences.layer_spec import SEQUENCE_TYPES
from workers.engine.layer_spec import LAYERS
from workers.engine.spec import Spec


def layers(*raw: dict) -> list[dict]:
    """Spec layers as the engine sees them: validated, every default filled in."""
    spec = Spec.model_validate({"data": {"dataset": "digits"}, "model": {"layers": list(raw)}})
    return [layer.model_dump() for layer in spec.model.layers]


def planned_shape(layer: dict, shape: tuple) -> tuple:
    out, _ = SHAPES[layer["type"]](layer, shape)
    return out


def built_shape(layer: dict, shape: tuple) -> tuple:
    module = MODULES[layer["type"]](layer, shape).eval()
    with torch.no_grad():
        return tuple(module(torch.randn(2, *shape)).shape[1:])


def test_every_layer_type_has_a_shape_rule_and_a_builder():
    assert set(SHAPES) | {"residual"} | SEQUENCE_TYPES == set(LAYERS)  # sequence layers: kinds/sequences/


@pytest.mark.parametrize("size, kernel, stride", [(28, 5, 1), (28, 3, 2), (8, 3, 3), (13, 4, 2), (7, 7, 1)])
def test_valid_convolution_matches_torch(size, kernel, stride):
    layer = layers({"type": "conv2d", "filters": 6, "kernel": kernel, "stride": stride, "padding": "valid"})[0]
    reference = nn.Conv2d(3, 6, kernel, stride)(torch.zeros(1, 3, size, size)).shape[1:]
    assert planned_shape(layer, (3, size, size)) == tuple(reference) == built_shape(layer, (3, size, size))


@pytest.mark.filterwarnings("ignore:Using padding='same' with even kernel")
@pytest.mark.parametrize("size, kernel", [(28, 5), (8, 3), (9, 4), (5, 1)])
def test_same_padding_at_stride_1_matches_torch_padding_same(size, kernel):
    layer = layers({"type": "conv2d", "filters": 4, "kernel": kernel, "activation": "linear"})[0]
    reference = nn.Conv2d(2, 4, kernel, padding="same")
    ours = MODULES["conv2d"](layer, (2, size, size))
    ours.conv.load_state_dict(reference.state_dict())
    x = torch.randn(1, 2, size, size)
    with torch.no_grad():
        assert torch.allclose(ours(x), reference(x), atol=1e-6)  # the same zeros in the same places
    assert planned_shape(layer, (2, size, size)) == tuple(reference(x).shape[1:]) == built_shape(layer, (2, size, size))


@pytest.mark.parametrize("size, kernel, stride", [(28, 3, 2), (7, 3, 2), (8, 5, 3), (9, 2, 2)])
def test_strided_same_padding_gives_the_ceiling_of_size_over_stride(size, kernel, stride):
    """torch has no padding='same' for stride > 1: the reference pads by hand, as TensorFlow does."""
    layer = layers({"type": "conv2d", "filters": 4, "kernel": kernel, "stride": stride})[0]
    before, after = same_padding(size, kernel, stride)
    padded = F.pad(torch.zeros(1, 1, size, size), (before, after, before, after))
    reference = nn.Conv2d(1, 4, kernel, stride)(padded).shape[1:]
    expected = (4, math.ceil(size / stride), math.ceil(size / stride))
    assert planned_shape(layer, (1, size, size)) == tuple(reference) == expected == built_shape(layer, (1, size, size))


@pytest.mark.parametrize("kind, reference", [("maxpool2d", nn.MaxPool2d), ("avgpool2d", nn.AvgPool2d)])
@pytest.mark.parametrize("size, window, stride", [(28, 2, None), (7, 2, None), (9, 3, 2), (5, 5, None)])
def test_pooling_matches_torch(kind, reference, size, window, stride):
    layer = layers({"type": kind, "size": window, "stride": stride})[0]
    expected = reference(window, stride)(torch.zeros(1, 5, size, size)).shape[1:]
    assert planned_shape(layer, (5, size, size)) == tuple(expected) == built_shape(layer, (5, size, size))


def test_global_average_pooling_flatten_dense_dropout_batchnorm_match_torch():
    image = torch.zeros(1, 6, 7, 5)
    gap, flat, dense, drop, norm = layers({"type": "global_avgpool"}, {"type": "flatten"}, {"units": 9},
                                          {"type": "dropout"}, {"type": "batchnorm"})
    assert planned_shape(gap, (6, 7, 5)) == tuple(nn.AdaptiveAvgPool2d(1)(image).flatten(1).shape[1:]) == (6,)
    assert planned_shape(flat, (6, 7, 5)) == tuple(nn.Flatten()(image).shape[1:]) == (210,)
    assert planned_shape(dense, (210,)) == tuple(nn.Linear(210, 9)(torch.zeros(1, 210)).shape[1:]) == (9,)
    for layer in (drop, norm):
        assert planned_shape(layer, (6, 7, 5)) == (6, 7, 5) == built_shape(layer, (6, 7, 5))
        assert planned_shape(layer, (12,)) == (12,) == built_shape(layer, (12,))
    for layer, shape in ((gap, (6, 7, 5)), (flat, (6, 7, 5)), (dense, (210,))):
        assert built_shape(layer, shape) == planned_shape(layer, shape)


RESIDUALS = {
    "identity": ({"type": "residual", "layers": [{"type": "conv2d", "filters": 3}, {"type": "batchnorm"}]},
                 (3, 8, 8), None),
    "channels": ({"type": "residual", "layers": [{"type": "conv2d", "filters": 8}]}, (8, 8, 8), 1),
    "strided": ({"type": "residual", "layers": [{"type": "conv2d", "filters": 8, "stride": 2},
                                                {"type": "conv2d", "filters": 8}]}, (8, 4, 4), 2),
    "pooled": ({"type": "residual", "layers": [{"type": "conv2d", "filters": 3}, {"type": "maxpool2d"}]},
               (3, 4, 4), 2),
    "flat": ({"type": "residual", "layers": [{"units": 5}]}, (5,), 0),
}


@pytest.mark.parametrize("name", list(RESIDUALS))
def test_residual_blocks_with_and_without_a_projection(name):
    raw, out, projection = RESIDUALS[name]
    shape = (12,) if name == "flat" else (3, 8, 8)
    head = [] if name == "flat" else [{"type": "flatten"}]
    planned = plan(shape, layers(raw, *head), 10)
    block = planned.steps[0]
    assert planned.problem is None and block.shape_out == out and block.projection == projection
    model = CNN(shape, layers(raw, *head), 10)
    assert (model.blocks[0].projection is None) == (projection is None)
    with torch.no_grad():
        assert tuple(model.blocks[0](torch.randn(2, *shape)).shape[1:]) == out


def test_a_whole_network_is_built_as_planned():
    stack = layers({"type": "conv2d", "filters": 4, "kernel": 5, "padding": "valid"}, {"type": "maxpool2d"},
                   {"type": "conv2d", "filters": 6, "activation": "maxout", "batchnorm": True},
                   {"type": "residual", "activation": "prelu", "layers": [
                       {"type": "conv2d", "filters": 8, "stride": 2, "activation": "prelu"}, {"type": "batchnorm"}]},
                   {"type": "avgpool2d", "size": 2, "stride": 1}, {"type": "flatten"}, {"type": "dropout"},
                   {"units": 10, "activation": "maxout", "batchnorm": True})
    planned = plan((1, 28, 28), stack, 6)
    model = CNN((1, 28, 28), stack, 6).eval()
    assert sum(p.numel() for p in model.parameters()) == planned.parameters
    with torch.no_grad():
        out, maps = model.forward_with_maps(torch.randn(3, 1, 28, 28))
    assert out.shape == (3, 6)
    shapes = {step.name: step.shape_out for step in planned.steps + planned.steps[3].inner}
    assert [(step.name, tuple(value.shape[1:])) for step, value in maps] == \
        [(name, shapes[name]) for name in ("conv1", "maxpool1", "conv2", "res1.conv1", "res1", "avgpool1")]
    assert list(model.linears()) == ["conv1", "conv2", "res1.conv1", "res1.projection", "dense1", "output"]
    assert [step.name for step, _ in model.convolutions()] == ["conv1", "conv2", "res1.conv1"]
