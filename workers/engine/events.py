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


def tensor(values, dtype: str = "float16") -> dict:
    """A torch tensor or numpy array as float16 (or float32) bytes."""
    array = values.detach().cpu().numpy() if hasattr(values, "detach") else np.asarray(values)
    encoded = array.astype("<f2" if dtype == "float16" else "<f4")
    return {"dtype": dtype, "shape": list(array.shape), "data": base64.b64encode(encoded.tobytes()).decode()}


def quantized(values, lo: float | None = None, hi: float | None = None) -> dict:
    """A torch tensor or numpy array as uint8, 0..255 mapped linearly onto [lo, hi] (the observed range when
    not given)."""
    array = values.detach().cpu().float().numpy() if hasattr(values, "detach") else np.asarray(values)
    lo = float(array.min()) if lo is None else lo
    hi = float(array.max()) if hi is None else hi
    span = hi - lo if hi > lo else 1.0
    codes = np.clip(np.rint((array - lo) / span * 255), 0, 255).astype(np.uint8)
    return {"dtype": "uint8", "shape": list(array.shape), "data": base64.b64encode(codes.tobytes()).decode(),
            "min": lo, "max": hi}


def decode(payload: dict) -> np.ndarray:
    """The inverse of tensor() and quantized(); for tests and scripts."""
    raw = base64.b64decode(payload["data"])
    if payload["dtype"] == "uint8":
        codes = np.frombuffer(raw, dtype=np.uint8).astype(np.float32)
        values = payload["min"] + codes / 255 * (payload["max"] - payload["min"])
    else:
        values = np.frombuffer(raw, dtype="<f2" if payload["dtype"] == "float16" else "<f4").astype(np.float32)
    return values.reshape(payload["shape"])
