"""Event payloads: the contract's event shape and its compact tensor encoding.

Tensors travel as base64 bytes, not JSON lists: a 64×64 map is 4 KB as uint8
against about 60 KB as a list of numbers. Tensors are recognised by their
`detach` rather than by type, so that the web side imports this without torch.
"""
from __future__ import annotations

import base64
from typing import Callable

import numpy as np

Emit = Callable[[dict], None]

# How each kind is stored (whole, latest, latest per probe) is declared by its probe: see probes/__init__.py.


def event(kind: str, step: int, epoch: float, time: float, data: dict) -> dict:
    """An event without its seq: the bus numbers events as it stores them."""
    return {"type": kind, "step": step, "epoch": round(epoch, 6), "time": round(time, 6), "data": data}


def _numpy(values) -> np.ndarray:
    return values.detach().cpu().numpy() if hasattr(values, "detach") else np.asarray(values)


def tensor(values, dtype: str = "float16") -> dict:
    """A torch tensor or numpy array as float16 (or float32) bytes."""
    return tensor_rows(_numpy(values)[None], dtype)[0]


def tensor_rows(values, dtype: str = "float16") -> list[dict]:
    """tensor() of each row of `values` (N, ...), converted in one go (a batch of runs' weights)."""
    array = _numpy(values)
    encoded = array.astype("<f2" if dtype == "float16" else "<f4")
    shape = list(array.shape[1:])
    return [{"dtype": dtype, "shape": shape, "data": base64.b64encode(row.tobytes()).decode()} for row in encoded]


def quantized(values, lo: float | None = None, hi: float | None = None) -> dict:
    """A torch tensor or numpy array as uint8, 0..255 mapped linearly onto [lo, hi] (the observed range when
    not given)."""
    array = values.detach().cpu().float().numpy() if hasattr(values, "detach") else np.asarray(values)
    return quantized_rows(array[None], lo, hi)[0]


def quantized_rows(values, lo: float | None = None, hi: float | None = None) -> list[dict]:
    """quantized() of each row of `values` (N, ...), in one numpy computation for all of them (a batch of
    runs' maps): the same bytes, row by row, as quantized() gives each (each row's own observed range)."""
    array = values.detach().cpu().float().numpy() if hasattr(values, "detach") else np.asarray(values)
    if not np.issubdtype(array.dtype, np.floating):
        array = array.astype(np.float64)  # what a Python float makes of integers
    flat = array.reshape(array.shape[0], -1)
    los = [float(v) for v in flat.min(1)] if lo is None else [lo] * len(flat)
    his = [float(v) for v in flat.max(1)] if hi is None else [hi] * len(flat)
    spans = [h - low if h > low else 1.0 for low, h in zip(los, his)]
    # As quantized() computes one row with Python floats: each scalar taken in the array's dtype.
    column = (-1, *[1] * (array.ndim - 1))
    low = np.asarray(los, dtype=array.dtype).reshape(column)
    span = np.asarray(spans, dtype=array.dtype).reshape(column)
    codes = np.clip(np.rint((array - low) / span * 255), 0, 255).astype(np.uint8)
    shape = list(array.shape[1:])
    return [{"dtype": "uint8", "shape": shape, "data": base64.b64encode(row.tobytes()).decode(), "min": low_,
             "max": high} for row, low_, high in zip(codes, los, his)]


def decode(payload: dict) -> np.ndarray:
    """The inverse of tensor() and quantized(); for tests and scripts."""
    raw = base64.b64decode(payload["data"])
    if payload["dtype"] == "uint8":
        codes = np.frombuffer(raw, dtype=np.uint8).astype(np.float32)
        values = payload["min"] + codes / 255 * (payload["max"] - payload["min"])
    else:
        values = np.frombuffer(raw, dtype="<f2" if payload["dtype"] == "float16" else "<f4").astype(np.float32)
    return values.reshape(payload["shape"])
