"""The autoencoder datasets: the image kind's digits and shapes, here with the images themselves as targets.

The pictures come from the image kind's generators (kinds/images/datasets.py: the same images for the same
seed); an autoencoder dataset is a name of its own only because a dataset names its kind, and its kind says
what the network learns: here to reconstruct its input, not to name the class. The labels still travel, to
colour the latent space by class.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..images.datasets import IMAGE_DATASETS, ImageDataset


@dataclass(frozen=True)
class AutoencoderDataset:
    kind: str  # always "autoencoder"; every kind's dataset record leads with kind, task and description
    task: str  # always "reconstruction": the target of an image is the image
    description: str
    images: str  # the image dataset the pictures come from

    @property
    def source(self) -> ImageDataset:
        return IMAGE_DATASETS[self.images]

    @property
    def classes(self) -> tuple[str, ...]:
        return self.source.classes

    @property
    def shape(self) -> tuple[int, int, int]:
        return self.source.shape

    @property
    def max_samples(self) -> int | None:
        return self.source.max_samples


AUTOENCODER_DATASETS: dict[str, AutoencoderDataset] = {
    "ae-digits": AutoencoderDataset("autoencoder", "reconstruction", "The 8×8 handwritten digits (1,797 images), "
                                    "to be reconstructed through the bottleneck.", "digits"),
    "ae-shapes": AutoencoderDataset("autoencoder", "reconstruction", "28×28 lines, squares, circles and triangles, "
                                    "to be reconstructed through the bottleneck.", "shapes"),
}
