"""CNNs learn the image datasets; the datasets and their augmentation are the same for the same seed."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from workers.device import resolve_device
from workers.engine import Spec, train
from workers.engine.control import Never
from workers.engine.kinds.images.datasets import IMAGE_DATASETS
from workers.engine.kinds.images.data import augment, make_images

from tests.workers.engine.helpers import final, of, run, spec

SMALL_CNN = [{"type": "conv2d", "filters": 16}, {"type": "maxpool2d"}, {"type": "conv2d", "filters": 32},
             {"type": "maxpool2d"}, {"type": "flatten"}]


def test_a_small_cnn_learns_the_digits():
    events = run(spec(data={"dataset": "digits", "n_samples": 1797, "noise": 0.0},
                      model={"layers": SMALL_CNN, "init": "he_uniform"},
                      train={"optimizer": {"name": "adam", "lr": 0.003}, "batch_size": 32, "epochs": 12}))
    result = final(events)
    assert result["status"] == "succeeded"
    assert result["summary"]["test_accuracy"] >= 0.95, result["summary"]
    assert set(of(events, "metrics")[-1]["data"]["grad_norms"]) == {"conv1", "conv2", "output"}
    matrix = of(events, "confusion")[-1]["data"]["matrix"]
    assert len(matrix) == 10 and sum(map(sum, matrix)) == 898  # round(1797 × 0.5) test images


def test_a_residual_cnn_learns_the_shapes():
    block = {"type": "residual", "layers": [{"type": "conv2d", "filters": 16, "stride": 2},
                                            {"type": "conv2d", "filters": 16, "activation": "linear"}]}
    result = final(run(spec(data={"dataset": "shapes", "n_samples": 1000},
                            model={"layers": [{"type": "conv2d", "filters": 8}, {"type": "maxpool2d"}, block,
                                              {"type": "maxpool2d"}, {"type": "flatten"}]},
                            train={"optimizer": {"name": "adam", "lr": 0.003}, "batch_size": 32, "epochs": 6})))
    assert result["summary"]["test_accuracy"] >= 0.85, result["summary"]


@pytest.mark.parametrize("name", list(IMAGE_DATASETS))
def test_image_datasets_are_deterministic_and_split(name):
    train_split, test_split = make_images(name, 60, 0.1, 0.25, seed=3)
    again, _ = make_images(name, 60, 0.1, 0.25, seed=3)
    other, _ = make_images(name, 60, 0.1, 0.25, seed=4)
    shape = IMAGE_DATASETS[name].shape
    assert train_split.images.shape == (45, *shape) and test_split.images.shape == (15, *shape)
    assert (train_split.images == again.images).all() and not (train_split.images == other.images).all()
    assert 0 <= train_split.images.min() and train_split.images.max() <= 1
    assert set(train_split.labels) <= set(range(len(IMAGE_DATASETS[name].classes)))
    resized, _ = make_images(name, 60, 0.1, 0.25, seed=3, image_size=12)
    assert resized.images.shape == (45, shape[0], 12, 12) and (resized.labels == train_split.labels).all()


def batch_of_shapes(n: int = 16) -> torch.Tensor:
    return torch.from_numpy(make_images("shapes", n, 0.0, 0.5, seed=1)[0].images)


def test_augmentation_is_the_same_for_the_same_seed():
    images = batch_of_shapes()

    def draw(seed: int) -> list[torch.Tensor]:
        generator = torch.Generator().manual_seed(seed)
        return [augment(images, 2, True, 15.0, 0.1, generator) for _ in range(2)]

    first, second = draw(7), draw(7)
    assert all(torch.equal(a, b) for a, b in zip(first, second))
    assert not torch.equal(first[0], first[1])  # a new draw every batch
    assert not torch.equal(first[0], draw(8)[0])
    assert first[0].shape == images.shape and 0 <= first[0].min() and first[0].max() <= 1


def test_a_shift_moves_whole_pixels_and_a_flip_mirrors():
    images = torch.zeros(64, 1, 9, 9)
    images[:, 0, 4, 4] = 1.0  # one bright pixel in the middle
    moved = augment(images, 2, False, 0.0, 0.0, torch.Generator().manual_seed(1))
    rows, cols = (moved[:, 0] > 0.99).nonzero()[:, 1:].T
    assert torch.allclose(moved.sum(dim=(1, 2, 3)), torch.ones(64))  # nothing blurred or lost
    assert set((rows - 4).tolist()) == set((cols - 4).tolist()) == {-2, -1, 0, 1, 2}
    ramp = torch.arange(5.0).expand(32, 1, 5, 5)
    flipped = augment(ramp, 0, True, 0.0, 0.0, torch.Generator().manual_seed(1))
    mirrored = [torch.equal(f, ramp[0].flip(-1)) for f in flipped]
    assert all(m or torch.equal(f, ramp[0]) for m, f in zip(mirrored, flipped)) and 0 < sum(mirrored) < 32


def test_augmented_training_is_deterministic():
    s = spec(data={"dataset": "digits", "n_samples": 100, "augment": {"shift": 1, "flip": True, "rotate": 10,
                                                                        "noise": 0.05}},
             model={"layers": SMALL_CNN}, train={"epochs": 2, "batch_size": 16})
    first, second = run(s), run(s)
    assert [e["data"] for e in of(first, "metrics")] == [e["data"] for e in of(second, "metrics")]
    unaugmented = run(spec(data={"dataset": "digits", "n_samples": 100}, model={"layers": SMALL_CNN},
                           train={"epochs": 2, "batch_size": 16}))
    assert of(first, "metrics")[-1]["data"] != of(unaugmented, "metrics")[-1]["data"]


def test_a_cnn_trains_on_the_device_auto_picks():
    # CUDA where there is one (the GPU path), the CPU elsewhere: never skipped, so CI always runs it.
    device = resolve_device("auto")
    events: list[dict] = []
    s = Spec.model_validate({"data": {"dataset": "digits", "n_samples": 600, "augment": {"shift": 1}},
                             "model": {"layers": SMALL_CNN}, "train": {"epochs": 3, "batch_size": 32},
                             "stream": {"max_fps": 30}})
    train(s, events.append, Never(), device)
    assert final(events)["status"] == "succeeded" and events[0]["data"]["device"] == device
    assert of(events, "feature_maps") and of(events, "filters")
    assert np.isfinite(final(events)["summary"]["test_loss"])
