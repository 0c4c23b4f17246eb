"""A GAN on a 2-D distribution: the generator G is the run's model (the trainer's optimizer, schedule,
penalties and clipping drive it), the discriminator D has its own optimizer, updated here before each of G's
steps. The trainer's batches are batches of real points."""
from __future__ import annotations

import torch
from torch import nn

from ...layers import initialise
from ...optim import build_optimizer
from ...probes.boundary import plane
from ...probes.metrics import layer_norms
from ...probes.samples import SAMPLE_POINTS, samples_data
from ..base import Events, Kind
from .datasets import EXTENT, GAN_DATASETS, sample
from .model import discriminator, discriminator_loss, energy_distance, generator, generator_loss, modes_covered
from .spec import Gan

EVAL_POINTS = 512  # generated points the metrics are measured on (the same noise every time)
# A mode is covered when at least this share of its fair part of the generated points lies within
# MODE_RADIUS standard deviations of its centre (no nearer than MODE_RADIUS_MIN, never as far as half the
# 3 between neighbouring modes).
MODE_SHARE, MODE_RADIUS, MODE_RADIUS_MIN, MODE_RADIUS_MAX = 0.25, 3.0, 0.5, 1.4


class GanKind(Kind):
    head = None  # no labels to predict: the losses are the GAN's own (model.py)

    def __init__(self, spec, device: str, visuals: bool):
        super().__init__(spec, device, visuals)
        data, self.gan = spec.data, spec.gan or Gan()
        real = torch.from_numpy(sample(data.dataset, data.n_samples, data.noise, data.seed)).to(device)
        n_train = data.n_samples - int(round(data.n_samples * data.test_fraction))
        self.x, self.x_test = real[:n_train], real[n_train:]  # (N, 2) real points
        self.y = torch.zeros(n_train, device=device)  # the trainer batches targets too: nothing to predict
        self.model = generator(self.gan.noise_dim, self.layers)
        self.discriminator = discriminator([layer.model_dump() for layer in self.gan.discriminator.layers])
        initialise(self.model, spec.model.init)
        initialise(self.discriminator, spec.model.init)
        self.model.to(device)
        self.discriminator.to(device)
        self.d_params = list(self.discriminator.parameters())
        self.d_optimizer = build_optimizer(self.gan.discriminator.optimizer, self.d_params)
        both = [*self.layers, *(layer.model_dump() for layer in self.gan.discriminator.layers)]
        self.has_modes = any(layer["dropout"] > 0 or layer["batchnorm"] for layer in both)
        self.has_batchnorm = any(layer["batchnorm"] for layer in both)
        # The same noise for every measurement and frame: the metrics compare like with like, and each drawn
        # point is one z moving as G learns.
        noise = torch.Generator().manual_seed(spec.train.seed)
        self.z_eval = torch.randn(EVAL_POINTS, self.gan.noise_dim, generator=noise).to(device)
        modes = GAN_DATASETS[data.dataset].modes
        self.centres = torch.tensor(modes, dtype=torch.float32, device=device) if modes is not None else None
        self.mode_radius = min(max(MODE_RADIUS * data.noise, MODE_RADIUS_MIN), MODE_RADIUS_MAX)
        self.grid = torch.from_numpy(plane(spec.stream.grid)).to(device) if visuals else None
        self.framed = visuals

    def kept_model(self) -> nn.Module:
        """Both networks, G's keys first (generator.hidden.0.linear.weight, ..., discriminator.output.bias)."""
        return nn.ModuleDict({"generator": self.model, "discriminator": self.discriminator})

    # -- training: D's updates, then G's loss for the trainer's step ---------------------------------

    def noise(self, n: int) -> torch.Tensor:
        return torch.randn(n, self.gan.noise_dim, device=self.device)

    def batch_loss(self, inputs: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        """Train D `discriminator_steps` times on this batch of real points against as many of G's, then
        answer G's loss on fresh noise (the trainer steps G's optimizer on it)."""
        n = inputs.shape[0]
        for _ in range(self.gan.discriminator_steps):
            with torch.no_grad():
                fake = self.model(self.noise(n))
            logits = self.discriminator(torch.cat([inputs, fake]))  # (2n, 1): real rows first
            loss = discriminator_loss(logits[:n], logits[n:])
            for p in self.d_params:
                p.grad = None
            loss.backward()
            self.d_optimizer.step()
        self.discriminator.requires_grad_(False)  # G's step must not leave gradients in D
        try:
            return generator_loss(self.discriminator(self.model(self.noise(n))), self.gan.loss)
        finally:
            self.discriminator.requires_grad_(True)

    # -- measuring ------------------------------------------------------------------------------------

    @torch.inference_mode()
    def evaluate(self) -> dict[str, float]:
        """G's and D's losses on the fixed noise and the real test points, and how far G's points are from
        them (energy distance; the modes covered, for distributions of separate modes). train_loss is G's
        loss and test_loss D's, so every loss chart shows both."""
        self.discriminator.eval()
        try:
            fake = self.model(self.z_eval)  # (EVAL_POINTS, 2)
            fake_logits, real_logits = self.discriminator(fake), self.discriminator(self.x_test)
        finally:
            self.discriminator.train()
        values = [generator_loss(fake_logits, self.gan.loss), discriminator_loss(real_logits, fake_logits),
                  energy_distance(fake, self.x_test)]
        g_loss, d_loss, distance = torch.stack(values).tolist()
        measured = {"train_loss": g_loss, "test_loss": d_loss, "generator_loss": g_loss,
                    "discriminator_loss": d_loss, "energy_distance": distance}
        if self.centres is not None and torch.isfinite(fake).all():
            measured["modes_covered"] = modes_covered(fake, self.centres, self.mode_radius, MODE_SHARE)
        return measured

    def norms(self) -> tuple[dict, dict]:
        """G's layers by their names (dense1, ..., output), then D's as D.dense1, ..., D.output."""
        g_grads, g_weights = layer_norms(self.model)
        d_grads, d_weights = layer_norms(self.discriminator)
        return ({**g_grads, **{f"D.{k}": v for k, v in d_grads.items()}},
                {**g_weights, **{f"D.{k}": v for k, v in d_weights.items()}})

    # -- visuals ----------------------------------------------------------------------------------------

    @torch.inference_mode()
    def frame_events(self, every_probe: bool) -> Events:
        was_training = self.model.training
        self.model.eval()
        self.discriminator.eval()
        try:
            fake = self.model(self.z_eval[:SAMPLE_POINTS])  # (n, 2)
            field = torch.sigmoid(self.discriminator(self.grid)).reshape(self.spec.stream.grid, -1)  # (G, G)
        finally:
            self.model.train(was_training)
            self.discriminator.train()
        return [("samples", samples_data(self.x[:SAMPLE_POINTS], fake, field, EXTENT))]
