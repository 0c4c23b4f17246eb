"""A finished run's model, out of the playground: as plain PyTorch code, its state dict, ONNX, or a script that
trains it again from scratch.

Pure: it gets the run's spec and the `state` of its `final_weights` event (probes/final_weights.py) and answers
bytes. The code is generated per kind: 2-D points (dense networks) are covered; another kind's runs raise
NotExportable, saying so.
"""
from __future__ import annotations

import io
from dataclasses import dataclass

from ..kinds import about_dataset
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
    return (f"Neural Playground run {run_id}{f' ({name})' if name else ''}: "
            f"a network trained on {data.dataset} ({data.n_samples} points, noise {data.noise:g}, seed {data.seed}).")


def export(run_id: str, name: str | None, spec, state: dict | None, format: str) -> Exported:
    """The run's model in `format` (one of FORMATS); `state` is its final_weights data's state, or None when the
    run has none (NotExportable, as for a kind not covered yet)."""
    if format not in FORMATS:
        raise ValueError(f"unknown format {format!r}: one of {', '.join(FORMATS)}")
    kind = about_dataset(spec.data.dataset).name
    if kind != "2d":
        raise NotExportable(f"export is not available for {kind} runs yet (only 2-D point networks)")
    from . import points, script

    points.check(spec)
    stem = f"run_{run_id[:8]}"
    text = header(run_id, name, spec)
    if format == "script":
        return Exported(script.script_source(spec, text).encode(), "text/x-python", f"train_{stem}.py")
    source = points.model_source(spec, text)
    if format == "pytorch":
        return Exported(source.encode(), "text/x-python", f"{stem}.py")
    if state is None:
        raise NotExportable("the run has no final weights: a run keeps them once it has succeeded or been stopped")
    model = loaded_model(source, points.key_map(spec, state), state)
    if format == "state_dict":
        buffer = io.BytesIO()
        import torch

        torch.save(model.state_dict(), buffer)
        return Exported(buffer.getvalue(), "application/octet-stream", f"{stem}.pt")
    return Exported(onnx_bytes(model, len(spec.data.features)), "application/octet-stream", f"{stem}.onnx")


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


def onnx_bytes(model, n_inputs: int) -> bytes:
    """ONNX of the model in evaluation mode: input `features` (batch, n_inputs), output `output` (batch, outputs).

    The legacy (TorchScript) exporter: it needs the `onnx` package only, where the default one needs onnxscript."""
    import warnings

    import torch

    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        torch.onnx.export(model, (torch.zeros(1, n_inputs),), buffer, dynamo=False, opset_version=ONNX_OPSET,
                          input_names=["features"], output_names=["output"],
                          dynamic_axes={"features": {0: "batch"}, "output": {0: "batch"}})
    return buffer.getvalue()


__all__ = ["FORMATS", "Exported", "NotExportable", "export"]
