"""format=script for an autoencoder run: a standalone script that trains it again from scratch, in plain PyTorch,
as the trainer (loop.py) drives AutoencoderKind (kinds/autoencoders/kind.py): the same images (the shapes drawn by
the engine's own generator, copied by its source; the digits, which come from scikit-learn, written in), the same
construction and initialisation, the same fixed and fresh pixel noise, the sparsity penalty, and each epoch's
reconstruction losses. Live changes are not replayed.
"""
from __future__ import annotations

import base64
import inspect

import numpy as np

from ..kinds.autoencoders.datasets import AUTOENCODER_DATASETS
from ..kinds.autoencoders.kind import EVAL_BATCH
from ..kinds.autoencoders.options import Autoencoder as Options
from ..kinds.images import datasets as image_datasets
from .autoencoder import head_of, model_source
from .script import INIT_CODE, optimizer_code, penalty_code, schedule_code
from .training_loop import training_loop

LINE = 100  # characters of base64 a line


def images_code(images: str) -> str:
    """`generate(n, noise, rng)`: the image dataset's generator with what it reads (export/image_script.py uses
    it too)."""
    if images == "digits":
        pictures, labels = image_datasets._all_digits()
        raw = base64.b64encode(np.concatenate([pictures.reshape(len(labels), -1).astype(np.uint8),
                                               labels[:, None].astype(np.uint8)], axis=1).tobytes()).decode()
        lines = "\n".join(f'    "{raw[i:i + LINE]}"' for i in range(0, len(raw), LINE))
        digits = inspect.getsource(image_datasets._digits).replace("def _digits(", "def generate(", 1)
        return f'''# scikit-learn's 1,797 8×8 digits (values 0..16), each followed by its label: 65 bytes a digit.
DIGITS = np.frombuffer(base64.b64decode(
{lines}
), dtype=np.uint8).reshape(-1, 65)


def _all_digits():
    return DIGITS[:, :64].astype(np.float32).reshape(-1, 8, 8), DIGITS[:, 64].astype(np.int64)


{digits.rstrip()}'''
    if images == "shapes":
        constants, helpers, generate = ("SHAPE_CLASSES", "SHAPE_SIZE"), [image_datasets._outline,
                                                                          image_datasets._draw_shape], "_shapes"
    else:
        constants, helpers, generate = ("TEXTURE_CLASSES", "TEXTURE_SIZE"), [image_datasets._pattern], "_textures"
    source = inspect.getsource(getattr(image_datasets, generate)).replace(f"def {generate}(", "def generate(", 1)
    return ("".join(f"{name} = {getattr(image_datasets, name)!r}\n" for name in constants) + "\n\n"
            + "\n\n".join(inspect.getsource(f) for f in helpers) + "\n\n" + source.rstrip())


def script_source(spec, header: str) -> str:
    data, train = spec.data, spec.train
    options = spec.model.autoencoder or Options()
    test_noise = options.noise if options.test_noise is None else options.test_noise
    head = head_of(spec)
    if head.loss_name == "bce":
        loss = "F.binary_cross_entropy_with_logits(output, target)"
    else:
        loss = "0.5 * F.mse_loss(reconstruct(output), target)"
    early = train.early_stopping
    stopping = None if early is None else {"patience": early.patience, "min_delta": early.min_delta,
                                           "restore_best": early.restore_best}
    model = model_source(spec, header).split('"""\n', 1)[1]  # the module without its docstring
    source = AUTOENCODER_DATASETS[data.dataset].images
    loop = training_loop(
        data="x", batchnorm="has_batchnorm",
        shuffle="xs = x[torch.randperm(n, generator=shuffle)]",
        step="""
            target = xs[start:start + batch_size]
            code = model.encode(corrupted(target, NOISE, fresh))
            loss = reconstruction_loss(model.decode(code), target)
            if SPARSITY > 0:
                loss = loss + SPARSITY * code.abs().sum(dim=1).mean()""",
        epoch_end="""
            losses = torch.stack([measure(model, x_shown, x), measure(model, x_test_shown, x_test)]).tolist()
            print(f"epoch {epoch + 1}", {"train_loss": losses[0], "test_loss": losses[1]}, flush=True)""",
        watched="losses[1]")
    return f'''"""{header}

A standalone training script: it makes the same images and trains the same autoencoder from scratch, with plain
PyTorch, printing each epoch's reconstruction losses. Run it with `python {{this file}}`; it saves the weights to
model.pt (loadable into build_model()).
"""
import base64  # noqa: F401 (the digits are written in base64)
import math  # noqa: F401 (the schedule and the images may use it)

import numpy as np
{model}

# The run's training settings.
EPOCHS = {train.epochs!r}
BATCH_SIZE = {train.batch_size!r}
LR = {train.optimizer.lr!r}  # the base rate: the schedule scales it
SEED = {train.seed!r}  # initialisation, shuffling, the training noise, dropout
GRAD_CLIP = {train.grad_clip!r}  # the largest gradient norm, or None
MAX_STEPS = {train.max_steps!r}  # stop after this many optimizer steps, or None
EARLY_STOPPING = {stopping!r}  # on the test loss, or None
NOISE, TEST_NOISE = {options.noise!r}, {test_noise!r}  # denoising: the pixel noise of the training and test inputs
SPARSITY = {options.sparsity!r}  # λ of the L1 penalty on the code
EVAL_BATCH = {EVAL_BATCH}  # images per forward pass when measuring


def weights(model):
    """The layers with a weight, encoder first: what the penalties see, and what initialisation fills."""
    return [block.linear.weight if hasattr(block, "linear") else block.conv.weight
            for block in [*model.encoder, *model.decoder] if hasattr(block, "linear") or hasattr(block, "conv")]


def biases(model):
    return [block.linear.bias if hasattr(block, "linear") else block.conv.bias
            for block in [*model.encoder, *model.decoder] if hasattr(block, "linear") or hasattr(block, "conv")]


def penalty(model):
{penalty_code(train)}

{schedule_code(train.schedule)}

{images_code(source)}


def make_data():
    """The images, shuffled, split into (train, test); the same pixels for the same seed."""
    n, noise, test_fraction = {data.n_samples!r}, {data.noise!r}, {data.test_fraction!r}
    rng = np.random.default_rng({data.seed!r})
    images, _ = generate(n, noise, rng)
    images = torch.from_numpy(images[rng.permutation(n)])
    n_train = n - int(round(n * test_fraction))
    return images[:n_train], images[n_train:]


def corrupted(images, noise, generator):
    """The images with Gaussian pixel noise of this standard deviation, kept in [0, 1]."""
    if noise == 0:
        return images
    return (images + noise * torch.randn(images.shape, generator=generator)).clamp(0, 1)


def reconstruction_loss(output, target):
    return {loss}


def measure(model, shown, clean):
    """The reconstruction loss (without the sparsity penalty) of the clean images from the shown ones."""
    model.eval()
    with torch.inference_mode():
        output = torch.cat([model(chunk) for chunk in shown.split(EVAL_BATCH)])
        found = reconstruction_loss(output, clean)
    model.train()
    return found


def main():
    torch.manual_seed(SEED)
    shuffle = torch.Generator().manual_seed(SEED)
    x, x_test = make_data()
    model = build_model()
    for w in weights(model):
        {INIT_CODE[spec.model.init]}
    for b in biases(model):
        nn.init.zeros_(b)
    fixed = torch.Generator().manual_seed({data.seed!r})  # one noisy copy of each split, for the losses
    x_shown, x_test_shown = corrupted(x, NOISE, fixed), corrupted(x_test, TEST_NOISE, fixed)
    fresh = torch.Generator().manual_seed(SEED)  # the training inputs' noise, new on every batch
    has_batchnorm = any(isinstance(m, nn.modules.batchnorm._BatchNorm) for m in model.modules())
    params = list(model.parameters())
    optimizer = {optimizer_code(train.optimizer)}
{loop}'''
