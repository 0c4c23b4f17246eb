"""An autoencoder on paper: the encoder (the spec's layers, by the image kind's rules), the code layer, and the
decoder that mirrors the encoder, every step with its output shape and parameters.

The decoder walks the encoder backwards and undoes each step: a dense layer of a→b units becomes one of b→a, a
convolution a transposed convolution (the same kernel and stride, cropped to the encoder's input size), a
pooling layer an upsampling to the size it pooled, a flatten an unflatten. Each decoder layer recreates one of
the encoder's representations with the activation that made it; the last one, recreating the image, is linear
(the output activation lives in the loss, as for every kind). Dropout and batch norm have no mirror. model.py
builds exactly these steps.
"""
from __future__ import annotations

import math

from ...choices import ACTIVATIONS
from ...plan import Plan, Shape, Step
from ..images.plan import plan as plan_encoder

WEIGHTED = ("dense", "conv2d")  # the encoder layers with an activation


def _units(activation: str, units: int) -> int:
    """Parameters an activation adds (prelu's slopes) to a layer of `units`."""
    return units if activation == "prelu" else 0


def _dense(name: str, path, fan_in: int, units: int, activation: str) -> Step:
    pieces = ACTIVATIONS[activation].pieces
    parameters = (fan_in + 1) * units * pieces + _units(activation, units)
    return Step(path, name, {"type": "dense", "units": units, "activation": activation}, (fan_in,), (units,),
                parameters)


def _mirror(step: Step, activation: str, counts: dict[str, int]) -> Step | None:
    """The decoder step that undoes encoder `step`: from its output shape back to its input shape; `counts`
    numbers the decoder's layers of each kind, code side first."""
    kind, out, back = step.type, step.shape_out, step.shape_in
    short = {"dense": "dense", "conv2d": "conv", "maxpool2d": "upsample", "avgpool2d": "upsample"}.get(kind)
    if short is not None:
        counts[short] = counts.get(short, 0) + 1
        count = counts[short]
    if kind == "dense":
        return _dense(f"decoder.dense{count}", step.path, out[0], back[0], activation)
    if kind == "conv2d":
        layer = step.layer
        channels, pieces = back[0], ACTIVATIONS[activation].pieces
        k = layer["kernel"]
        parameters = (out[0] * k * k + 1) * channels * pieces + _units(activation, channels)
        mirrored = {"type": "conv_transpose2d", "filters": channels, "kernel": k, "stride": layer["stride"],
                    "padding": layer["padding"], "activation": activation}
        return Step(step.path, f"decoder.conv{count}", mirrored, out, back, parameters)
    if kind in ("maxpool2d", "avgpool2d"):
        return Step(step.path, f"decoder.upsample{count}", {"type": "upsample"}, out, back, 0)
    if kind == "flatten":
        return Step(step.path, "decoder.unflatten", {"type": "unflatten"}, out, back, 0)
    return None  # dropout, batch norm: nothing to undo


def plan(input_shape: Shape, layers: list[dict], code: int, code_activation: str) -> Plan:
    """The whole autoencoder; `problem` as the image kind's plan names it (the first impossible encoder layer)."""
    encoder = plan_encoder(input_shape, layers, 0)
    if encoder.problem is not None and encoder.problem[0] != ():
        return encoder
    steps = list(encoder.steps)
    if len(encoder.output_in) != 1:  # the code layer flattens what it is given
        flat = (math.prod(encoder.output_in),)
        steps.append(Step((len(layers),), "flatten", {"type": "flatten"}, encoder.output_in, flat, 0))
    flat = steps[-1].shape_out if steps else input_shape
    code_step = _dense("code", (len(layers),), flat[0], code, code_activation)
    code_step.layer["type"] = "code"
    decoder, counts = [], {"dense": 1}
    # Each decoder step recreates the input of the encoder step it mirrors, so it takes the activation of the
    # weighted encoder layer before that step (linear for the image itself).
    made_by = ["linear"]
    for step in steps:
        made_by.append(step.layer["activation"] if step.type in WEIGHTED else made_by[-1])
    decoder.append(_dense("decoder.dense1", code_step.path, code, flat[0], made_by[-1]))
    for index in range(len(steps) - 1, -1, -1):
        mirrored = _mirror(steps[index], made_by[index], counts)
        if mirrored is not None:
            decoder.append(mirrored)
    whole = [*steps, code_step, *decoder]
    return Plan(whole, decoder[-1].shape_out, sum(s.parameters for s in whole), None)
