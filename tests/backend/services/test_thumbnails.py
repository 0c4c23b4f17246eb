"""A wall tile's picture: at most 16x16, block means of the run's own frame, in the frame's value range."""
from __future__ import annotations

import numpy as np

from backend.services.thumbnails import THUMBNAIL_SIDE, picture_fields, sample, shrink, thumbnail
from workers.engine.events import decode, quantized, tensor


def test_shrink_takes_block_means_and_keeps_small_arrays():
    values = np.arange(64 * 64, dtype=np.float32).reshape(64, 64)
    small = shrink(values)
    assert small.shape == (THUMBNAIL_SIDE, THUMBNAIL_SIDE)
    assert small[0, 0] == values[:4, :4].mean() and small[-1, -1] == values[-4:, -4:].mean()
    assert shrink(values[:5, :10]).shape == (5, 10)
    assert shrink(values[:20, :3]).shape == (16, 3)  # uneven blocks: 20 rows into 16


def test_a_boundary_keeps_its_range_and_its_picture():
    plane = np.zeros((64, 64), dtype=np.float32)
    plane[:, 32:] = 1.0  # class 1 on the right half
    picture = thumbnail("boundary", {"output": quantized(plane, 0.0, 1.0)})
    assert picture["dtype"] == "uint8" and picture["shape"] == [16, 16] and (picture["min"], picture["max"]) == (0, 1)
    assert np.allclose(decode(picture), np.repeat([[0.0] * 8 + [1.0] * 8], 16, axis=0), atol=1 / 255)


def test_a_k_class_boundary_sends_its_classes_sampled_and_k():
    winners = np.zeros((64, 64), dtype=np.float32)
    winners[:, 21:] = 1
    winners[:, 42:] = 2  # three vertical bands, as the boundary probe sends them: bytes are class indices
    data = {"output": quantized(np.full((64, 64), 0.9, dtype=np.float32), 0.0, 1.0),
            "classes": quantized(winners, 0, 255), "biases": [tensor(np.zeros(4)), tensor(np.zeros(3))]}
    fields = picture_fields("boundary", data)
    assert fields["thumbnail_of"] == "boundary" and fields["thumbnail_k"] == 3  # one output unit a class
    classes = decode(fields["thumbnail_classes"])
    assert classes.shape == (16, 16) and set(np.unique(classes)) == {0.0, 1.0, 2.0}  # indices, never a mean
    assert np.array_equal(classes, sample(winners))
    assert list(classes[0]) == [0.0] * 5 + [1.0] * 5 + [2.0] * 6  # each block's centre cell: 2, 6, .., 62
    assert np.allclose(decode(fields["thumbnail"]), 0.9, atol=1 / 255)  # the winner's probability
    two_class = picture_fields("boundary", {"output": data["output"]})
    assert set(two_class) == {"thumbnail", "thumbnail_of"}
    assert picture_fields("attention", {"layers": []}) == {}


def test_images_show_their_first_feature_map_and_sequences_their_attention():
    maps = np.random.default_rng(0).random((8, 8, 8)).astype(np.float32)
    picture = thumbnail("feature_maps", {"input": quantized(maps[:1], 0, 1),
                                         "layers": [{"maps": quantized(maps)}]})
    assert picture["shape"] == [8, 8] and np.allclose(decode(picture), maps[0], atol=2 / 255)
    only_input = thumbnail("feature_maps", {"input": quantized(maps[:1], 0, 1), "layers": []})
    assert np.allclose(decode(only_input), maps[0], atol=1 / 255)  # a network without conv layers
    weights = np.full((2, 4, 4), 0.25, dtype=np.float32)
    attention = thumbnail("attention", {"layers": [{"weights": tensor(np.zeros_like(weights))},
                                                   {"weights": tensor(weights)}]})
    assert attention["shape"] == [4, 4] and np.allclose(decode(attention), 0.25, atol=1 / 255)  # the last layer
    states = thumbnail("hidden_states", {"layers": [{"states": quantized(np.zeros((8, 32)), -1.0, 1.0)}]})
    assert states["shape"] == [16, 8]  # units down, steps across


def test_autoencoders_show_their_first_reconstruction():
    outputs = np.random.default_rng(1).random((10, 1, 28, 28)).astype(np.float32)
    picture = thumbnail("reconstructions", {"inputs": quantized(outputs, 0, 1), "outputs": quantized(outputs, 0, 1),
                                            "labels": [str(d) for d in range(10)]})
    assert picture["shape"] == [16, 16] and (picture["min"], picture["max"]) == (0.0, 1.0)


def test_a_frame_with_nothing_to_draw_gives_no_picture():
    assert thumbnail("attention", {"layers": []}) is None
