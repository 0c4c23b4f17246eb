"""Images: a CNN on (augmented) pixels, measured a chunk of images at a time, and the image visuals:
filters, feature maps, the misclassified test images."""
from __future__ import annotations

import functools

import torch
from torch import nn

from ...datasets import class_names, n_classes
from ...layers import initialise
from ...losses import make_head
from ...probes.feature_maps import FeatureMapProbe
from ...probes.filters import filters_event
from ...probes.metrics import confusion_matrix
from ...probes.misclassified import misclassified_event
from ...spec import Augment
from ..base import Events, Kind
from .data import augment, make_images
from .datasets import image_shape
from .model import CNN

EVAL_BATCH = 500  # images per forward pass when measuring: bounds the memory of the activations


class ImageKind(Kind):
    def __init__(self, spec, device: str, visuals: bool):
        super().__init__(spec, device, visuals)
        data = spec.data
        self.train_split, self.test_split = make_images(data.dataset, data.n_samples, data.noise,
                                                        data.test_fraction, data.seed, data.image_size)
        self.classes = class_names(data.dataset)
        self.head = make_head(spec.train.loss, self.task, spec.model.output_activation, n_classes(data.dataset))
        self.model = CNN(image_shape(data.dataset, data.image_size), self.layers, self.head.n_outputs)
        initialise(self.model, spec.model.init, spec.model.bias_init)
        self.model.to(device)

        def tensors(split):
            labels = torch.from_numpy(split.labels).to(device)
            return torch.from_numpy(split.images).to(device), self.head.targets(labels), labels
        self.x, self.y, self.labels = tensors(self.train_split)  # (N, C, H, W), (N,), (N,)
        self.x_test, self.y_test, self.labels_test = tensors(self.test_split)
        modules = list(self.model.modules())
        self.has_batchnorm = any(isinstance(m, nn.modules.batchnorm._BatchNorm) for m in modules)
        self.has_modes = self.has_batchnorm or any(isinstance(m, nn.Dropout) for m in modules)

        a = data.augment
        if a is not None and a != Augment():
            rng = torch.Generator(device=device).manual_seed(spec.train.seed)
            self.augment = functools.partial(augment, shift=a.shift, flip=a.flip, rotate=a.rotate, noise=a.noise,
                                             generator=rng)
        self.probe = FeatureMapProbe(self.model, self.x_test, self.labels_test, self.classes) if visuals else None
        self.framed = self.probe is not None and self.probe.count > 0
        self.test_outputs: torch.Tensor | None = None  # (N_test, K) at the last measurement

    # -- measuring ------------------------------------------------------------------------------------

    @torch.inference_mode()
    def outputs(self, images: torch.Tensor) -> torch.Tensor:
        return torch.cat([self.model(chunk) for chunk in images.split(EVAL_BATCH)])  # (N, K)

    def evaluate(self) -> dict[str, float]:
        """Loss and accuracy over both whole splits, a chunk of images at a time; keeps the test outputs."""
        measured = {}
        with torch.inference_mode():
            for split, x, y, labels in (("train", self.x, self.y, self.labels),
                                        ("test", self.x_test, self.y_test, self.labels_test)):
                out = self.outputs(x)
                measured[f"{split}_loss"] = self.head.loss(out, y)
                measured[f"{split}_accuracy"] = (self.head.predict(out) == labels).float().mean()
                if split == "test":
                    self.test_outputs = out
        order = ("train_loss", "test_loss", "train_accuracy", "test_accuracy")
        return dict(zip(order, torch.stack([measured[k] for k in order]).tolist()))  # one sync for all

    # -- visuals --------------------------------------------------------------------------------------

    def frame_events(self, every_probe: bool) -> Events:
        """The filters, and one probe's feature maps in turn (every probe's on a forced frame)."""
        probes = list(range(self.probe.count)) if every_probe else [self.probe.take_turn()]
        filters, maps = filters_event(self.model), self.probe.events(probes)
        if maps is None:
            return [("feature_maps", None)]
        return [("filters", filters), *(("feature_maps", data) for data in maps)]

    def measured_events(self) -> Events | None:
        """The surest mistakes on the test split, from the last measurement."""
        if self.test_outputs is None or not torch.isfinite(self.test_outputs).all():
            return None
        return [("misclassified", misclassified_event(self.x_test, self.labels_test, self.test_outputs,
                                                      self.classes))]

    def last_events(self) -> Events:
        if self.test_outputs is None:
            self.test_outputs = self.outputs(self.x_test)
        predicted = self.head.predict(self.test_outputs)
        return [("confusion", confusion_matrix(self.labels_test, predicted, self.classes))]
