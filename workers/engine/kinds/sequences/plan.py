"""Sequence networks on paper: every layer's output shape and parameter count, before anything is built.

As kinds/images/plan.py does for images, plan() walks the layers from the input's shape and names the first layer that
cannot work. Shapes leave out the batch: (T,) for T tokens, (T, F) for T steps of F numbers.
The parameter counts are torch's own (tests/workers/engine/test_seq_shapes.py builds the modules and counts).
"""
from __future__ import annotations

from ...choices import ACTIVATIONS
from ...plan import Impossible, Plan, Shape, Step, who

SHORT_NAMES = {"transformer_block": "transformer", "decoder_block": "decoder"}
GATES = {"rnn": 1, "gru": 3, "lstm": 4}  # weight matrices per recurrent layer: one per gate and candidate


def show(shape: Shape) -> str:
    return f"{shape[0]} tokens" if len(shape) == 1 else f"{shape[0]}×{shape[1]}"


def _vectors(shape: Shape) -> int:
    """The width F of a (T, F) input; a layer that needs vectors cannot take tokens."""
    if len(shape) != 2:
        raise Impossible("type", f"needs a vector at every step, but gets {show(shape)}: start the network "
                         "with an embedding layer")
    return shape[1]


def attention_parameters(width: int) -> int:
    return 4 * width * width + 4 * width  # Q, K, V and output projections, with biases


def feed_forward_parameters(width: int, ff: int) -> int:
    return width * ff + ff + ff * width + width


def _width(layer: dict, width: int) -> int:
    if width % layer["heads"]:
        raise Impossible("heads", f"the model width {width} is not divisible by {layer['heads']} heads: each head "
                         f"takes width / heads of the numbers; use a width that {layer['heads']} divides, or "
                         "fewer heads")
    return width


class Context:
    """What the shape rules need beyond the layer and its input: the dataset's vocabulary and length."""

    def __init__(self, vocab: int, steps: int, positional: str | None):
        self.vocab, self.steps, self.positional = vocab, steps, positional
        self.decoding = False  # after the first decoder block


def layer_shape(layer: dict, shape: Shape, ctx: Context) -> tuple[Shape, int]:
    kind = layer["type"]
    if ctx.decoding and kind not in ("decoder_block", "dense", "dropout"):
        raise Impossible("type", "comes after a decoder block: only decoder_block, dense and dropout layers can "
                         "follow one (the encoder's layers go before the first decoder block)")
    if kind == "embedding":
        if len(shape) != 1:
            raise Impossible("type", f"takes tokens, but gets {show(shape)}: an embedding can only be the first "
                             "layer of a network on a token task")
        return (shape[0], layer["dim"]), ctx.vocab * layer["dim"]
    width = _vectors(shape)
    steps = shape[0]
    if kind == "positional":
        return shape, steps * width if layer["encoding"] == "learned" else 0
    if kind in GATES:
        directions = 2 if layer["bidirectional"] else 1
        hidden, gates, parameters, fan_in = layer["hidden"], GATES[kind], 0, width
        for _ in range(layer["num_layers"]):
            parameters += directions * gates * hidden * (fan_in + hidden + 2)
            fan_in = hidden * directions
        return (steps, fan_in), parameters
    if kind == "transformer_block":
        model_width = _width(layer, layer["width"] or width)
        projection = width * model_width + model_width if model_width != width else 0
        return (steps, model_width), (projection + attention_parameters(model_width)
                                      + feed_forward_parameters(model_width, layer["ff"]) + 4 * model_width)
    if kind == "decoder_block":
        if ctx.vocab == 0:
            raise Impossible("type", "writes tokens, but this task asks for values: decoder blocks are for token "
                             "tasks (addition, reverse, ...)")
        _width(layer, width)
        parameters = 2 * attention_parameters(width) + feed_forward_parameters(width, layer["ff"]) + 6 * width
        if not ctx.decoding:  # the first one also embeds the decoder's input: the target, shifted right
            ctx.decoding = True
            parameters += ctx.vocab * width + (steps * width if ctx.positional == "learned" else 0)
        return shape, parameters
    if kind == "dense":
        pieces = ACTIVATIONS[layer["activation"]].pieces
        out = layer["units"] * pieces
        parameters = width * out + out + (2 * out if layer["batchnorm"] else 0)
        return (steps, layer["units"]), parameters + (layer["units"] if layer["activation"] == "prelu" else 0)
    if kind == "dropout":
        return shape, 0
    raise Impossible("type", "is an image layer: a sequence network takes embedding, positional, rnn, lstm, gru, "
                     "transformer_block, decoder_block, dense and dropout layers")


def plan(input_shape: Shape, layers: list[dict], n_outputs: int, vocab: int) -> Plan:
    """Every layer's shape and parameters; the output layer maps each step's vector to n_outputs."""
    positional = next((layer["encoding"] for layer in layers if layer["type"] == "positional"), None)
    ctx, steps, shape, counts = Context(vocab, input_shape[0], positional), [], input_shape, {}
    for index, layer in enumerate(layers):
        kind = layer["type"]
        counts[kind] = counts.get(kind, 0) + 1
        try:
            out, parameters = layer_shape(layer, shape, ctx)
        except Impossible as error:
            return Plan(steps, shape, 0, ((index, error.field), f"{who((index,), kind)}: {error.message}"))
        steps.append(Step((index,), f"{SHORT_NAMES.get(kind, kind)}{counts[kind]}", layer, shape, out, parameters))
        shape = out
    if len(shape) != 2:
        return Plan(steps, shape, 0, ((), f"the output layer needs a vector at every step, but the network gives "
                                          f"{show(shape)}: start with an embedding layer"))
    parameters = sum(step.parameters for step in steps) + (shape[1] + 1) * n_outputs
    return Plan(steps, shape, parameters, None)
