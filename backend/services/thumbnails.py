"""A tile's picture on the instructor's wall: a small copy of the run's latest visual event, by its kind.

2-D points show their decision boundary (the network's output over the plane), images the first feature
map of their first layer, sequences the attention of their last attention layer (else their recurrent
states), autoencoders their first reconstruction. Whatever the source's size, the copy is at most
THUMBNAIL_SIDE cells a side (block means), so a tile costs a few hundred bytes however large the run's own
frames are; it is a uint8 Tensor whose `min`/`max` keep the source's value range, so the page colours it as
the run's own view does. A boundary of more than two classes also sends its winning class per cell
(`thumbnail_classes`, sampled, as a mean of class indices means nothing) and the number of classes
(`thumbnail_k`), so the page paints each region in its class's colour.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from workers.engine.events import decode, quantized

THUMBNAIL_SIDE = 16  # cells a side at most: 16x16 uint8 is 256 bytes before base64
WHOLE_ROWS = 1.0  # an attention row sums to 1: weights are coloured on [0, 1]

Picture = tuple[np.ndarray, float | None, float | None]  # a 2-D array and the range to colour it on


def _boundary(data: dict) -> Picture:
    output = data["output"]
    return decode(output), output["min"], output["max"]


def _feature_map(data: dict) -> Picture:
    """The first channel of the first layer that has maps; the image itself for a network without any."""
    source = data["layers"][0]["maps"] if data["layers"] else data["input"]
    return decode(source)[0], None, None  # (c, h, w): channel 0; its own range, as FeatureMaps.svelte draws it


def _attention(data: dict) -> Picture:
    weights = data["layers"][-1]["weights"]
    return decode(weights)[0], 0.0, WHOLE_ROWS  # (heads, T, T): the first head of the layer nearest the output


def _hidden_states(data: dict) -> Picture:
    states = data["layers"][-1]["states"]
    return decode(states).T, states["min"], states["max"]  # (T, h) -> units down, steps across, as the page shows


def _reconstruction(data: dict) -> Picture:
    return decode(data["outputs"])[0, 0], 0.0, 1.0  # (n, C, H, W): the first test image's reconstruction


# The kinds a tile may show, the preferred first: a run sending several shows only the best it has sent.
PICTURES: dict[str, Callable[[dict], Picture]] = {
    "boundary": _boundary, "feature_maps": _feature_map, "attention": _attention, "hidden_states": _hidden_states,
    "reconstructions": _reconstruction}
RANK = {kind: rank for rank, kind in enumerate(PICTURES)}


def shrink(array: np.ndarray, side: int = THUMBNAIL_SIDE) -> np.ndarray:
    """Block means down to at most `side` x `side`; a smaller array is kept as it is."""
    for axis in (0, 1):
        size = array.shape[axis]
        if size > side:
            edges = np.linspace(0, size, side + 1).astype(int)
            sums = np.add.reduceat(array, edges[:-1], axis=axis)
            counts = np.diff(edges).reshape([-1 if a == axis else 1 for a in range(2)])
            array = sums / counts
    return array


def sample(array: np.ndarray, side: int = THUMBNAIL_SIDE) -> np.ndarray:
    """The cell at each block's centre, down to at most `side` x `side`: for values a mean would make up."""
    rows, cols = (np.minimum(((np.arange(side) + 0.5) * size / side).astype(int), size - 1) if size > side
                  else np.arange(size) for size in array.shape)
    return array[np.ix_(rows, cols)]


def picture_fields(kind: str, data: dict) -> dict:
    """A tile's picture fields for a `kind` event: `thumbnail` and, for a k-class boundary, its classes and
    k; nothing where the event holds nothing to draw."""
    picture = thumbnail(kind, data)
    if picture is None:
        return {}
    fields = {"thumbnail": picture, "thumbnail_of": kind}
    if kind == "boundary" and data.get("classes") is not None:
        winners = decode(data["classes"])  # bytes onto [0, 255]: the class indices themselves
        fields.update(thumbnail_classes=quantized(sample(np.rint(winners)), 0, 255),
                      thumbnail_k=data["biases"][-1]["shape"][0])  # the output layer: one unit a class
    return fields


def thumbnail(kind: str, data: dict) -> dict | None:
    """The Tensor of a `kind` event's data, or None where it holds nothing to draw (an empty layer list)."""
    try:
        values, lo, hi = PICTURES[kind](data)
    except (KeyError, IndexError):
        return None
    if values.ndim != 2 or not values.size:
        return None
    return quantized(shrink(values.astype(np.float32)), lo, hi)
