"""Autoencoders: images through an encoder, a bottleneck and a mirrored decoder back to themselves, trained on the
reconstruction loss (plus the sparse variant's L1 on the code), with the denoising variant's noisy inputs; and
their visuals, the latent space and the reconstructions."""
from __future__ import annotations

import functools

import torch
from torch import nn

from ...choices import resolve_loss
from ...layers import initialise
from ...losses import Head
from ...probes.latent import LatentProbe
from ...probes.reconstructions import chosen, reconstructions_event
from ..base import Events, Kind
from ..images.data import make_images
from .datasets import AUTOENCODER_DATASETS
from .model import Autoencoder
from .options import Autoencoder as Options

EVAL_BATCH = 500  # images per forward pass when measuring: bounds the memory of the activations


def reconstruction_head(loss: str, output_activation: str, n_outputs: int) -> Head:
    """mse on the output activation (sigmoid unless chosen: pixels lie in [0, 1]), or bce on the logits."""
    name = resolve_loss(loss, "reconstruction")
    activation = "sigmoid" if output_activation == "auto" else output_activation
    return Head(name, "reconstruction", activation, n_outputs, (0.0, 1.0))


def corrupted(images: torch.Tensor, noise: float, generator: torch.Generator) -> torch.Tensor:
    """The images with Gaussian pixel noise of this standard deviation, kept in [0, 1]."""
    if noise == 0:
        return images
    draw = torch.randn(images.shape, generator=generator, device=generator.device)
    return (images + noise * draw.to(images.device)).clamp(0, 1)


class AutoencoderKind(Kind):
    def __init__(self, spec, device: str, visuals: bool):
        super().__init__(spec, device, visuals)
        data, options = spec.data, spec.model.autoencoder or Options()
        dataset = AUTOENCODER_DATASETS[data.dataset]
        train, test = make_images(dataset.images, data.n_samples, data.noise, data.test_fraction, data.seed)
        self.classes = list(dataset.classes)
        channels, height, width = dataset.shape
        self.head = reconstruction_head(spec.train.loss, spec.model.output_activation, channels * height * width)
        self.model = Autoencoder(dataset.shape, self.layers, options.code, options.code_activation)
        initialise(self.model, spec.model.init)
        self.model.to(device)
        modules = list(self.model.modules())
        self.has_batchnorm = any(isinstance(m, nn.modules.batchnorm._BatchNorm) for m in modules)
        self.has_modes = self.has_batchnorm or any(isinstance(m, nn.Dropout) for m in modules)

        self.x = torch.from_numpy(train.images).to(device)  # (N, C, H, W)
        self.y = self.x  # the target of an image is the image
        self.x_test = torch.from_numpy(test.images).to(device)
        self.labels_test = torch.from_numpy(test.labels).to(device)
        self.sparsity = options.sparsity
        test_noise = options.noise if options.test_noise is None else options.test_noise
        # The losses are measured on one fixed noisy copy of each split, so that a curve moves only with the weights.
        fixed = torch.Generator().manual_seed(data.seed)
        self.x_shown = corrupted(self.x, options.noise, fixed)
        self.x_test_shown = corrupted(self.x_test, test_noise, fixed)
        self.noisy_test = test_noise > 0
        if options.noise > 0:  # denoising: fresh noise on every training batch (the trainer keeps the targets)
            fresh = torch.Generator(device=device).manual_seed(spec.train.seed)
            self.augment = functools.partial(corrupted, noise=options.noise, generator=fresh)

        self.framed = visuals
        if visuals:
            self.latent = LatentProbe(self.x_test_shown, self.labels_test, self.classes)
            self.chosen = chosen(self.labels_test)

    # -- training -------------------------------------------------------------------------------------

    def batch_loss(self, inputs: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        code = self.model.encode(inputs)  # (B, code)
        loss = self.head.loss(self.model.decode(code), targets)
        if self.sparsity > 0:  # the sparse autoencoder: λ·Σ_j |h_j|, averaged over the batch
            loss = loss + self.sparsity * code.abs().sum(dim=1).mean()
        return loss

    def reconstruct(self, out: torch.Tensor) -> torch.Tensor:
        """The network's output as an image in [0, 1]: the output activation, or bce's sigmoid."""
        return torch.sigmoid(out) if self.head.loss_name == "bce" else self.head.activate(out)

    # -- measuring ------------------------------------------------------------------------------------

    def evaluate(self) -> dict[str, float]:
        """The reconstruction loss (without the sparsity penalty) over both whole splits, a chunk at a time."""
        with torch.inference_mode():
            losses = []
            for shown, clean in ((self.x_shown, self.x), (self.x_test_shown, self.x_test)):
                out = torch.cat([self.model(chunk) for chunk in shown.split(EVAL_BATCH)])
                losses.append(self.head.loss(out, clean))
            active = (self.model.encode(self.x_test_shown) > 0).float().sum(dim=1).mean()  # the sparse lesson's claim
        train_loss, test_loss, active_code_units = torch.stack([*losses, active]).tolist()  # one sync for all
        return {"train_loss": train_loss, "test_loss": test_loss, "active_code_units": active_code_units}

    # -- visuals --------------------------------------------------------------------------------------

    def frame_events(self, every_probe: bool) -> Events:
        """The latent space of the test sample and the reconstructions of the chosen test images."""
        if self.has_modes:
            self.model.eval()
        try:
            with torch.inference_mode():
                latent = self.latent.event(self.model.encode)
                shown = self.x_test_shown[self.chosen]
                out = self.reconstruct(self.model(shown))
                labels = [self.classes[c] for c in self.labels_test[self.chosen].tolist()]
                clean = self.x_test[self.chosen] if self.noisy_test else None
                pictures = reconstructions_event(shown, out, clean, labels)
        finally:
            if self.has_modes:
                self.model.train()
        return [("latent", latent), ("reconstructions", pictures)]
