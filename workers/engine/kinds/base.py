"""Kind: what the kind-neutral trainer (loop.Run) asks of one kind of data.

A kind is built from the spec on a device: its data as tensors, its head, its model (initialised, on the
device) and its probes. The trainer owns everything else: batching, the optimizer and its schedule,
clipping, penalties, control (pause, step, resume, stop), early stopping, divergence, when frames are
due and the events' envelope. A kind never sends an event: it returns (type, data) pairs, and the
trainer sends them, so a new kind (autoencoders, GANs) is a new folder and one entry in kinds.KINDS
(whose About names this class as its `trainer`).
"""
from __future__ import annotations

from typing import Callable

import torch
from torch import nn

from ..control import parameter_at
from ..datasets import dataset_of
from ..losses import Head
from ..probes.gradient_check import gradient_check
from ..probes.metrics import layer_norms
from ..spec import Spec
from .about import Events


class Kind:
    task: str  # "classification" or "regression"
    head: Head  # the output activation and loss; its targets() are the loss's targets
    model: nn.Module  # must name its weight layers in linears() (initialisation, penalties, norms)
    x: torch.Tensor  # (N, ...) the training inputs, on the device: the trainer batches them, a view a batch
    y: torch.Tensor  # (N, ...) their targets
    has_modes: bool = False  # dropout or batch norm: measured in evaluation mode
    has_batchnorm: bool = False  # a last batch of one is skipped: batch norm cannot normalise it
    augment: Callable[[torch.Tensor], torch.Tensor] | None = None  # changes every training batch's inputs
    framed: bool = False  # whether frame_events() has anything to send (visuals on, and something to probe)

    def __init__(self, spec: Spec, device: str, visuals: bool):
        """Subclasses build their data, head and model after this; `visuals` is false at max_fps 0."""
        self.spec, self.device, self.visuals = spec, device, visuals
        self.task = dataset_of(spec.data).task
        self.layers = [layer.model_dump() for layer in spec.model.layers]

    # -- training -------------------------------------------------------------------------------------

    def batch_loss(self, inputs: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        return self.head.loss(self.model(inputs), targets)

    def kept_model(self) -> nn.Module:
        """What the run's final weights hold (probes/final_weights.py), for the export: the model, or more (a
        GAN's discriminator too)."""
        return self.model

    # -- measuring ------------------------------------------------------------------------------------

    def evaluate(self) -> dict[str, float]:
        """train_loss and test_loss (and accuracies, for classification) over the whole splits; the
        trainer has put the model in evaluation mode (when has_modes)."""
        raise NotImplementedError

    def norms(self) -> tuple[dict, dict]:
        """Per-layer gradient and weight norms, for the metrics."""
        return layer_norms(self.model)

    @torch.no_grad()
    def edit(self, edits: dict[str, float]) -> None:
        """Put values into single weights and biases (control.parameter_at paths, checked by the API against
        weight_shapes), counting the weight layers of linears() in order."""
        layers = list(self.model.linears().values())
        for path, value in edits.items():
            name, layer, index = parameter_at(path)
            getattr(layers[layer], "weight" if name == "weights" else "bias")[index] = value

    # -- visuals: the trainer decides when; the kind says what -----------------------------------------

    def first_events(self) -> Events:
        """Sent once as training starts, before the first frame."""
        return []

    def frame_events(self, every_probe: bool) -> Events:
        """One frame's visuals (when framed); `every_probe` on forced frames (start, pause, end)."""
        return []

    def measured_events(self) -> Events | None:
        """Visuals from the last evaluate(), sent at most max_fps a second (None: nothing to send now)."""
        return None

    def epoch_events_due(self, epochs: int) -> bool:
        """Whether epoch_events(epochs) sends anything: asked first, so that a run in a batch is not synced
        (its weights copied out of the batch) after every epoch for nothing."""
        check = self.spec.stream.gradient_check
        return check is not None and not (epochs - 1) % check.every

    def epoch_events(self, epochs: int) -> Events:
        """Sent after each whole epoch's metrics (`epochs` done so far): the gradient check, when the spec asks
        for one (stream.gradient_check), after the first epoch and then every `every` epochs."""
        if not self.epoch_events_due(epochs):
            return []
        check = self.spec.stream.gradient_check
        x, y = self.x.double(), self.y.double() if self.y.is_floating_point() else self.y
        data = gradient_check(self.model, lambda net: self.head.loss(net(x), y), check.epsilon, check.samples,
                              self.spec.train.seed)
        return [("gradient_check", data)]

    def last_events(self) -> Events:
        """Sent once after the last frame, before the terminal status (visuals on or off)."""
        return []
