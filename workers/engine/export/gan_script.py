"""format=script for a GAN run: a standalone script that trains both networks again from scratch, in plain
PyTorch, as the trainer (loop.py) drives GanKind (kinds/gan/kind.py): the same real points, the same
construction and initialisation order, D's updates then G's step on every batch, the same seeds and random
draws, and each epoch's losses and energy distance on the run's fixed noise. Live changes are not replayed.
"""
from __future__ import annotations

import inspect

from ..kinds.gan.datasets import GAN_DATASETS
from ..kinds.gan.spec import Gan
from .gan import model_source
from .script import INIT_CODE, optimizer_code, penalty_code, schedule_code
from .training_loop import training_loop


def distribution_code(name: str) -> str:
    """The distribution's generator, as `generate(n, noise, rng)`: a mixture's centres written out (they are
    computed once, so their bits are the engine's), a curve's function by its source."""
    dataset = GAN_DATASETS[name]
    if dataset.modes is not None:
        return f'''CENTRES = np.array({dataset.modes.tolist()!r})  # the modes' centres


def generate(n, noise, rng):
    """Equal Gaussian modes at the centres, each of standard deviation `noise`, as even as n allows."""
    which = np.arange(n) % len(CENTRES)
    return CENTRES[which] + rng.normal(0, noise, (n, 2))'''
    source = inspect.getsource(dataset.generate)
    return source.replace(f"def {dataset.generate.__name__}(", "def generate(", 1).rstrip()


def script_source(spec, header: str) -> str:
    data, train, gan = spec.data, spec.train, spec.gan or Gan()
    layers = [*spec.model.layers, *gan.discriminator.layers]
    early = train.early_stopping
    stopping = None if early is None else {"patience": early.patience, "min_delta": early.min_delta,
                                           "restore_best": early.restore_best}
    model = model_source(spec, header).split('"""\n', 1)[1]  # the module without its docstring
    saturating = gan.loss == "non_saturating"
    loop = training_loop(
        data="real", model="model.generator", params="g_params",
        shuffle="xs = real[torch.randperm(n, generator=shuffle)]",
        step="""
            batch = xs[start:start + batch_size]
            b = batch.shape[0]
            for _ in range(D_STEPS):  # D learns to tell this batch from as many of G's points
                with torch.no_grad():
                    fake = model.generator(torch.randn(b, NOISE_DIM))
                logits = model.discriminator(torch.cat([batch, fake]))  # real rows first
                loss = d_loss(logits[:b], logits[b:])
                for p in d_params:
                    p.grad = None
                loss.backward()
                d_optimizer.step()
            model.discriminator.requires_grad_(False)  # G's step leaves no gradient in D
            loss = g_loss(model.discriminator(model.generator(torch.randn(b, NOISE_DIM))))
            model.discriminator.requires_grad_(True)""",
        epoch_end="""
            metrics = measure(model, z_fixed, real_test)
            print(f"epoch {epoch + 1}", metrics, flush=True)""",
        watched='metrics["discriminator_loss"]',
        restored='print("best restored", measure(model, z_fixed, real_test), flush=True)')
    return f'''"""{header}

A standalone training script: it makes the same real points and trains the same generator G and discriminator
D from scratch, with plain PyTorch, printing each epoch's losses and energy distance (on the run's fixed
noise). Run it with `python {{this file}}`; it saves both networks to model.pt (loadable into build_model()).
"""
import math  # noqa: F401 (the schedule and the distribution may use it)

import numpy as np
import torch.nn.functional as F
{model}

# The run's training settings.
EPOCHS = {train.epochs!r}
BATCH_SIZE = {train.batch_size!r}
LR = {train.optimizer.lr!r}  # G's base rate: the schedule scales it
SEED = {train.seed!r}  # initialisation, shuffling, the noise of training, dropout
GRAD_CLIP = {train.grad_clip!r}  # the largest gradient norm of G's, or None
MAX_STEPS = {train.max_steps!r}  # stop after this many of G's steps, or None
EARLY_STOPPING = {stopping!r}  # on D's loss (the run's test_loss), or None
D_STEPS = {gan.discriminator_steps!r}  # D's updates per G step
HAS_BATCHNORM = {any(layer.batchnorm for layer in layers)!r}  # then a last batch of one is skipped


def weights(network):
    """The weight layers (not the biases): what the penalties see, and what initialisation fills."""
    return [module.weight for module in network if isinstance(module, nn.Linear)]


def penalty(model):
{penalty_code(train)}

{schedule_code(train.schedule)}

{distribution_code(data.dataset)}


def make_data():
    """The real points, shuffled, split into (train, test); the same numbers for the same seed."""
    n, noise, test_fraction = {data.n_samples!r}, {data.noise!r}, {data.test_fraction!r}
    rng = np.random.default_rng({data.seed!r})
    points = generate(n, noise, rng)
    points = torch.from_numpy(points[rng.permutation(n)].astype(np.float32))
    n_train = n - int(round(n * test_fraction))
    return points[:n_train], points[n_train:]


def d_loss(real_logits, fake_logits):
    """-log D(x) - log(1 - D(G(z))), each averaged."""
    return (F.binary_cross_entropy_with_logits(real_logits, torch.ones_like(real_logits))
            + F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits)))


def g_loss(fake_logits):
    """{"non_saturating: -log D(G(z))" if saturating else "minimax: log(1 - D(G(z)))"}"""
    {"return F.binary_cross_entropy_with_logits(fake_logits, torch.ones_like(fake_logits))" if saturating else
     "return -F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits))"}


def energy_distance(a, b):
    return 2 * torch.cdist(a, b).mean() - torch.cdist(a, a).mean() - torch.cdist(b, b).mean()


def measure(model, z, real):
    """G's and D's losses on the fixed noise and the real test points, and the energy distance between them."""
    model.eval()
    with torch.inference_mode():
        fake = model.generator(z)
        values = [g_loss(model.discriminator(fake)), d_loss(model.discriminator(real), model.discriminator(fake)),
                  energy_distance(fake, real)]
    model.train()
    generator_loss, discriminator_loss, distance = torch.stack(values).tolist()
    return {{"generator_loss": generator_loss, "discriminator_loss": discriminator_loss, "energy_distance": distance}}


def main():
    torch.manual_seed(SEED)
    shuffle = torch.Generator().manual_seed(SEED)
    real, real_test = make_data()
    model = build_model()
    for network in (model.generator, model.discriminator):
        for w in weights(network):
            {INIT_CODE[spec.model.init]}
        for module in network:
            if isinstance(module, nn.Linear):
                nn.init.zeros_(module.bias)
    z_fixed = noise()
    g_params, d_params = list(model.generator.parameters()), list(model.discriminator.parameters())
    optimizer = {optimizer_code(train.optimizer).replace("(params", "(g_params")}
    d_optimizer = {optimizer_code(gan.discriminator.optimizer).replace("(params", "(d_params")}
{loop}'''
