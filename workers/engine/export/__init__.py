"""A finished run's model, out of the playground: as plain PyTorch code, its state dict, ONNX, or a script that
trains it again from scratch.

Pure: it gets the run's spec and the `state` of its `final_weights` event (probes/final_weights.py) and answers
bytes. The code is generated per kind: 2-D points (dense networks, points.py, and their training script,
script.py) and images (CNNs, images.py, no script yet); another kind's runs raise NotExportable, saying so.
"""
from __future__ import annotations

import io
from dataclasses import dataclass

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


def export(run_id: str, name: str | None, spec, state: dict | None, format: str) -> Exported:
    """The run's model in `format` (one of FORMATS); `state` is its final_weights data's state, or None when the
    run has none (NotExportable, as for a kind not covered yet)."""
    if format not in FORMATS:
        raise ValueError(f"unknown format {format!r}: one of {', '.join(FORMATS)}")
    kind = about_dataset(spec.data.dataset, spec.data).name
    if kind not in ("2d", "image"):
        raise NotExportable(f"export is not available for {kind} runs yet (only 2-D point and image networks)")
    from . import images, points, script

    stem = f"run_{run_id[:8]}"
    text = header(run_id, name, spec)
    if kind == "2d":
        points.check(spec)
        if format == "script":
            return Exported(script.script_source(spec, text).encode(), "text/x-python", f"train_{stem}.py")
        source, example = points.model_source(spec, text), (n_inputs(spec.data),)
    else:
        if format == "script":
            raise NotExportable("a training script is available for 2-D point runs only, not for image runs yet")
        source, example = images.model_source(spec, text), images.input_shape(spec)
    if format == "pytorch":
        return Exported(source.encode(), "text/x-python", f"{stem}.py")
    if state is None:
        raise NotExportable("the run has no final weights: a run keeps them once it has succeeded or been stopped "
                            f"(and its model has at most {MAX_VALUES:,} values)")
    keys = points.key_map(points.modules(spec), state) if kind == "2d" else {key: key for key in state}
    model = loaded_model(source, keys, state)
    if format == "state_dict":
        buffer = io.BytesIO()
        import torch

        torch.save(model.state_dict(), buffer)
        return Exported(buffer.getvalue(), "application/octet-stream", f"{stem}.pt")
    input_name = "features" if kind == "2d" else "images"
    return Exported(onnx_bytes(model, example, input_name), "application/octet-stream", f"{stem}.onnx")


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


def onnx_bytes(model, example: tuple[int, ...], input_name: str) -> bytes:
    """ONNX of the model in evaluation mode: input `input_name` (batch, *example), output `output` (batch, outputs).

    The legacy (TorchScript) exporter: it needs the `onnx` package only, where the default one needs onnxscript."""
    import warnings

    import torch

    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the legacy exporter's deprecation and constant-folding notes
        torch.onnx.export(model, (torch.zeros(1, *example),), buffer, dynamo=False, opset_version=ONNX_OPSET,
                          input_names=[input_name], output_names=["output"],
                          dynamic_axes={input_name: {0: "batch"}, "output": {0: "batch"}})
    return buffer.getvalue()


__all__ = ["FORMATS", "Exported", "NotExportable", "export"]
