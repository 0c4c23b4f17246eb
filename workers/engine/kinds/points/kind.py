"""2-D points (TensorFlow Playground's datasets): an MLP on the chosen features, and the boundary visuals."""
from __future__ import annotations

import torch

from ...datasets import n_classes
from ...layers import initialise
from ...losses import make_head
from ...probes.boundary import BoundaryProbe, dataset_event_data
from ...probes.metrics import confusion, evaluate
from ..base import Events, Kind
from .datasets import make_data
from .model import MLP, n_inputs
from .table import table_data


class PointsKind(Kind):
    def __init__(self, spec, device: str, visuals: bool):
        super().__init__(spec, device, visuals)
        data = spec.data
        self.plane = None  # an uploaded dataset's: which two features are drawn, and where
        if data.table is not None:
            self.train_split, self.test_split, self.plane = table_data(data.table, data.test_fraction, data.seed,
                                                                       data.axes)
        else:
            self.train_split, self.test_split = make_data(data.dataset, data.n_samples, data.noise,
                                                          data.test_fraction, data.features, data.seed, data.classes)
        self.head = make_head(spec.train.loss, self.task, spec.model.output_activation, n_classes(data.dataset, data))
        self.model = MLP(n_inputs(data), self.layers, self.head.n_outputs)
        initialise(self.model, spec.model.init, spec.model.bias_init)
        self.model.to(device)

        def tensors(split):
            labels = torch.from_numpy(split.labels).to(device)
            return torch.from_numpy(split.inputs).to(device), self.head.targets(labels), labels
        self.x, self.y, self.labels = tensors(self.train_split)
        self.x_test, self.y_test, self.labels_test = tensors(self.test_split)
        # Both splits in one batch, so the end-of-epoch metrics take one forward pass.
        self.x_all, self.y_all = torch.cat([self.x, self.x_test]), torch.cat([self.y, self.y_test])
        self.labels_all = torch.cat([self.labels, self.labels_test])
        self.has_modes = any(layer["dropout"] > 0 or layer["batchnorm"] for layer in self.layers)
        self.has_batchnorm = any(layer["batchnorm"] for layer in self.layers)
        self.probe = (BoundaryProbe(self.model, self.head, data.features, self.layers, spec.stream.grid, device,
                                    self.plane) if visuals else None)
        self.framed = self.probe is not None

    def evaluate(self) -> dict[str, float]:
        """Loss (and accuracy) over both whole splits in one forward pass."""
        return evaluate(self.model, self.head, self.x_all, self.y_all, self.labels_all, self.x.shape[0])

    def first_events(self) -> Events:
        """The points to draw."""
        if self.probe is None:
            return []
        labels = self.spec.data.table.classes if self.plane is not None else None
        return [("dataset", dataset_event_data(self.task, self.train_split, self.test_split,
                                               self.head.n_classes, self.plane, labels))]

    def frame_events(self, every_probe: bool) -> Events:
        return [("boundary", self.probe.frame())]

    def last_events(self) -> Events:
        if self.task != "classification":
            return []
        # As it predicts: in training mode, batch norm would learn the test split into its running statistics
        # (the weights the run ends with) and dropout would blur the matrix.
        self.model.eval()
        try:
            names = self.spec.data.table.classes if self.plane is not None else None
            return [("confusion", confusion(self.head, self.model, self.x_test, self.labels_test, names))]
        finally:
            self.model.train()
