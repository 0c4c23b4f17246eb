"""A finished run's model, out of the playground: as plain PyTorch code, its state dict, ONNX, or a script that
trains it again from scratch.

Pure: it gets the run's spec and the `state` of its `final_weights` event (probes/final_weights.py) and answers
bytes. The code is generated per kind: 2-D points (dense networks, points.py, on an uploaded dataset's columns
too, table.py, and their training script, script.py), images (CNNs, images.py), GANs (both networks, gan.py),
autoencoders (encoder and decoder, autoencoder.py) and sequence networks (sequences.py), each with its training
script (script.py, image_script.py, gan_script.py, autoencoder_script.py, sequence_script.py). The modules share
their docstring (docstring.py), the scripts their training loop (training_loop.py). A run that cannot be exported
raises NotExportable, saying why.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Callable

from ..kinds import about_dataset
from ..kinds.points.model import n_inputs
from ..probes.final_weights import MAX_VALUES
from .errors import NotExportable

FORMATS = ("pytorch", "state_dict", "onnx", "script")
ONNX_OPSET = 17


@dataclass(frozen=True)
class Exported:
    content: bytes
    media_type: str
    filename: str


def header(run_id: str, name: str | None, spec) -> str:
    data = spec.data
    if data.table is not None:
        return (f"Neural Playground run {run_id}{f' ({name})' if name else ''}: a network trained on the uploaded "
                f"dataset {data.dataset} ({len(data.table.x)} rows, {data.table.task} of {data.table.target}, "
                f"split with seed {data.seed}).")
    samples = "points" if about_dataset(data.dataset, data).name == "2d" else "samples"
    return (f"Neural Playground run {run_id}{f' ({name})' if name else ''}: "
            f"a network trained on {data.dataset} ({data.n_samples} {samples}, noise {data.noise:g}, "
            f"seed {data.seed}).")


@dataclass(frozen=True)
class Exporter:
    """One kind's export: its code, its training script, the ONNX graph's example inputs by name (a batch of
    one), the module ONNX exports (of the built model), and the exported state-dict keys of the engine's."""
    source: Callable[[object, str], str]
    script: Callable[[object, str], str]
    inputs: Callable[[object], dict]
    onnx_module: Callable[[object], object]
    key_map: Callable[[object, dict], dict[str, str]]


def _exporters() -> dict[str, Exporter]:
    from . import (autoencoder, autoencoder_script, gan, gan_script, image_script, images, points, script,
                   sequence_script, sequences)

    def same(spec, state):
        return {key: key for key in state}

    def whole(model):
        return model

    return {
        "2d": Exporter(points.model_source, script.script_source, zeros("features", lambda s: (n_inputs(s.data),)),
                       whole, lambda spec, state: points.key_map(points.modules(spec), state)),
        "image": Exporter(images.model_source, image_script.script_source, zeros("images", images.input_shape),
                          whole, same),
        "gan": Exporter(gan.model_source, gan_script.script_source, zeros("noise", lambda s: (gan.noise_dim(s),)),
                        lambda model: model.generator, gan.key_map),
        "autoencoder": Exporter(autoencoder.model_source, autoencoder_script.script_source,
                                zeros("images", autoencoder.input_shape), whole, same),
        "sequence": Exporter(sequences.model_source, sequence_script.script_source, sequences.onnx_inputs, whole, same),
    }


def zeros(name: str, shape: Callable[[object], tuple[int, ...]]) -> Callable[[object], dict]:
    """The example inputs of a one-input network: `name`, float32 zeros of the spec's input shape."""
    def inputs(spec) -> dict:
        import torch

        return {name: torch.zeros(1, *shape(spec))}
    return inputs


def export(run_id: str, name: str | None, spec, state: dict | None, format: str) -> Exported:
    """The run's model in `format` (one of FORMATS); `state` is its final_weights data's state, or None when the
    run has none (NotExportable, as for a kind not covered)."""
    if format not in FORMATS:
        raise ValueError(f"unknown format {format!r}: one of {', '.join(FORMATS)}")
    kind = about_dataset(spec.data.dataset, spec.data).name
    exporters = _exporters()
    if kind not in exporters:
        raise NotExportable(f"export is not available for {kind} runs yet (2-D point networks, image CNNs, GANs, "
                            "autoencoders and sequence networks are)")
    from . import points

    stem = f"run_{run_id[:8]}"
    text = header(run_id, name, spec)
    if kind == "2d":
        points.check(spec)
    exporter = exporters[kind]
    if format == "script":
        return Exported(exporter.script(spec, text).encode(), "text/x-python", f"train_{stem}.py")
    source = exporter.source(spec, text)
    if format == "pytorch":
        return Exported(source.encode(), "text/x-python", f"{stem}.py")
    if state is None:
        raise NotExportable("the run has no final weights: a run keeps them once it has succeeded or been stopped "
                            f"(and its model has at most {MAX_VALUES:,} values)")
    model = loaded_model(source, exporter.key_map(spec, state), state)
    if format == "state_dict":
        buffer = io.BytesIO()
        import torch

        torch.save(model.state_dict(), buffer)
        return Exported(buffer.getvalue(), "application/octet-stream", f"{stem}.pt")
    return Exported(onnx_bytes(exporter.onnx_module(model), exporter.inputs(spec)), "application/octet-stream",
                    f"{stem}.onnx")


def loaded_model(source: str, key_map: dict[str, str], state: dict):
    """build_model() of the generated source, holding the stored weights: loaded strictly, so code and weights
    are known to agree before either leaves."""
    import torch

    from ..events import decode

    namespace: dict = {}
    exec(compile(source, "<export>", "exec"), namespace)  # our own generated code
    model = namespace["build_model"]()
    expected = model.state_dict()
    weights = {key: torch.from_numpy(decode(state[engine_key]).copy()).to(expected[key].dtype)
               for key, engine_key in key_map.items() if key in expected}
    model.load_state_dict(weights, strict=True)
    return model.eval()


def onnx_bytes(model, inputs: dict) -> bytes:
    """ONNX of the model in evaluation mode: the inputs by name, each (batch, ...) as its example (of a batch of
    one), and output `output` (batch, outputs...).

    The legacy (TorchScript) exporter: it needs the `onnx` package only, where the default one needs onnxscript."""
    import warnings

    import torch

    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the legacy exporter's deprecation and constant-folding notes
        torch.onnx.export(model, tuple(inputs.values()), buffer, dynamo=False, opset_version=ONNX_OPSET,
                          input_names=list(inputs), output_names=["output"],
                          dynamic_axes={**{name: {0: "batch"} for name in inputs}, "output": {0: "batch"}})
    with torch.no_grad():
        shape = model(*inputs.values()).shape[1:]
    return with_output_shape(buffer.getvalue(), shape)


def with_output_shape(graph: bytes, shape) -> bytes:
    """The graph with its output's sizes written down where the exporter left them symbolic (after a crop,
    Slice-made names such as 'Sliceoutput_dim_1'): every size but the batch is fixed."""
    import onnx

    model = onnx.load_from_string(graph)
    dims = model.graph.output[0].type.tensor_type.shape.dim
    if all(d.dim_value == size for d, size in zip(dims[1:], shape)):
        return graph
    for d, size in zip(dims[1:], shape):
        d.dim_value = int(size)  # setting the value clears the symbolic name
    onnx.checker.check_model(model)
    return model.SerializeToString()


__all__ = ["FORMATS", "Exported", "NotExportable", "export"]
