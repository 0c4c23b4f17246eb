"""Training on images: the same run as loop.Run (control, schedules, early stopping, metrics), with a CNN,
augmented mini-batches, and the image visuals: filters, feature maps, misclassified test images.
"""
from __future__ import annotations

import math
import time

import torch
from torch import nn

from .cnn import CNN
from .datasets import class_names, n_classes
from .images import augment, image_shape, make_images
from .layers import initialise
from .loop import Run
from .losses import make_head
from .probes.feature_maps import FeatureMapProbe
from .probes.filters import filters_event
from .probes.metrics import confusion_matrix
from .probes.misclassified import misclassified_event
from .spec import Augment

EVAL_BATCH = 500  # images per forward pass when measuring: bounds the memory of the activations


class ImageRun(Run):
    def prepare(self) -> None:
        spec, device = self.spec, self.device
        data = spec.data
        self.train_split, self.test_split = make_images(data.dataset, data.n_samples, data.noise,
                                                        data.test_fraction, data.seed, data.image_size)
        self.classes = class_names(data.dataset)
        self.head = make_head(spec.train.loss, self.task, spec.model.output_activation, n_classes(data.dataset))
        self.model = CNN(image_shape(data.dataset, data.image_size), self.layers, self.head.n_outputs)
        initialise(self.model, spec.model.init)
        self.model.to(device)

        def tensors(split):
            labels = torch.from_numpy(split.labels).to(device)
            return torch.from_numpy(split.images).to(device), self.head.targets(labels), labels
        self.x, self.y, self.labels = tensors(self.train_split)  # (N, C, H, W), (N,), (N,)
        self.x_test, self.y_test, self.labels_test = tensors(self.test_split)
        modules = list(self.model.modules())
        self.has_batchnorm = any(isinstance(m, nn.modules.batchnorm._BatchNorm) for m in modules)
        self.has_modes = self.has_batchnorm or any(isinstance(m, nn.Dropout) for m in modules)

        self.augment = data.augment if data.augment is not None and data.augment != Augment() else None
        self.augment_rng = torch.Generator(device=device).manual_seed(spec.train.seed)
        visuals = math.isfinite(self.frame_interval)
        self.probe = FeatureMapProbe(self.model, self.x_test, self.labels_test, self.classes) if visuals else None
        self.test_outputs: torch.Tensor | None = None  # (N_test, K) at the last measurement
        self.last_misclassified, self.misclassified_sent_at = -math.inf, -1

    # -- training ---------------------------------------------------------------------------------

    def batches(self):
        for start, end, inputs, targets in super().batches():
            if self.augment is not None:
                a = self.augment
                inputs = augment(inputs, a.shift, a.flip, a.rotate, a.noise, self.augment_rng)
            yield start, end, inputs, targets

    # -- measuring --------------------------------------------------------------------------------

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

    def measure(self, again: bool = False) -> dict:
        metrics = super().measure(again)
        self.maybe_misclassified()
        return metrics

    # -- visuals ----------------------------------------------------------------------------------

    def maybe_frame(self, force: bool = False) -> None:
        """Filters and one probe's feature maps when a frame is due (see Run.frame); every probe when forced."""
        if self.probe is not None and self.probe.count:
            self.frame(force, lambda: self.send_maps(force))

    def send_maps(self, every_probe: bool) -> None:
        filters = filters_event(self.model)
        maps = self.probe.events(list(range(self.probe.count)) if every_probe else [self.probe.take_turn()])
        if filters is None or maps is None:
            return  # not finite: the run is diverging, and its metrics will say so
        self.send("filters", filters)
        for data in maps:
            self.send("feature_maps", data)

    def maybe_misclassified(self, force: bool = False) -> None:
        """The surest mistakes on the test split, from the last measurement: at most max_fps a second."""
        if self.probe is None or self.test_outputs is None or self.misclassified_sent_at == self.measured_at:
            return
        now = time.monotonic()
        if not force and now - self.last_misclassified < self.frame_interval:
            return
        if not torch.isfinite(self.test_outputs).all():
            return
        self.last_misclassified, self.misclassified_sent_at = now, self.measured_at
        self.send("misclassified", misclassified_event(self.x_test, self.labels_test, self.test_outputs,
                                                       self.classes))

    def first_visuals(self) -> None:
        pass  # no points to draw; the probes' images travel in their feature_maps events

    def last_visuals(self) -> None:
        if self.test_outputs is None:
            self.test_outputs = self.outputs(self.x_test)
        self.maybe_misclassified(force=True)
        predicted = self.head.predict(self.test_outputs)
        self.send("confusion", confusion_matrix(self.labels_test, predicted, self.classes))
