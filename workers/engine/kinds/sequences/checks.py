"""The sequence tasks' own rules: the fields each task takes and their bounds, and no peeking at the answer."""
from __future__ import annotations

from ...limits import Problem
from .datasets import SEQUENCE_FIELDS, sequence_params, sequence_shape
from .layer_spec import RECURRENT_TYPES


def data_problems(spec, dataset, limits, foreign) -> list[Problem]:
    data, found = spec.data, foreign("2d", "image")
    for key in SEQUENCE_FIELDS:
        value = getattr(data, key)
        if value is None:
            continue
        if key not in dataset.parameters:
            takes = ", ".join(dataset.parameters) or "none"
            found.append(Problem(("data", key), f"{data.dataset} does not take {key} (it takes: {takes})"))
        elif not dataset.bounds[key][0] <= value <= dataset.bounds[key][1]:
            lo, hi = dataset.bounds[key]
            found.append(Problem(("data", key), f"{data.dataset} takes {key} from {lo} to {hi}", "out_of_range"))
    if not found:
        params, steps = sequence_params(data.dataset, data), sequence_shape(data.dataset, data)[0]
        if data.dataset == "sine" and params["horizon"] >= params["length"]:
            found.append(Problem(("data", "horizon"), f"a horizon of {params['horizon']} hides all "
                                 f"{params['length']} values: it must be shorter than the length"))
        if steps > limits.max_sequence_length:
            found.append(Problem(("data", "length" if "length" in params else "digits"), f"the sequences are "
                                 f"{steps} steps long; this server allows at most {limits.max_sequence_length}",
                                 "too_large"))
    return found


def layer_problems(dataset_name: str, dataset, i: int, layer) -> list[Problem]:
    """On a next-token task, a layer that sees later steps would learn to copy the answer."""
    if not dataset.causal:
        return []
    who = (f"layer {i} ({layer.type}): {dataset_name} asks for the next token, which the input already holds one "
           "step on")
    if layer.type in RECURRENT_TYPES and layer.bidirectional:
        return [Problem(("model", "layers", i, "bidirectional"), f"{who}; a bidirectional layer reads it: "
                        "set bidirectional to false")]
    if layer.type == "transformer_block" and not layer.causal:
        return [Problem(("model", "layers", i, "causal"), f"{who}; attention without a causal mask sees it: "
                        "set causal to true")]
    if layer.type == "decoder_block":
        return [Problem(("model", "layers", i, "type"), f"{who}; a decoder's cross-attention sees the whole "
                        "input: use causal transformer blocks or a one-way recurrent layer")]
    return []
