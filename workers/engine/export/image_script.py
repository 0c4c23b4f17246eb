"""format=script for an image run: a standalone script that trains the CNN again from scratch, in plain PyTorch,
as the trainer (loop.py) drives ImageKind (kinds/images/kind.py): the same images (export/autoencoder_script.py
writes their generator), resampled to data.image_size as the engine does, the same construction and
initialisation, the same augmentation draws, and each epoch's losses and accuracies. Live changes are not
replayed.
"""
from __future__ import annotations

import inspect

from ..kinds.images import data as image_data
from ..kinds.images.kind import EVAL_BATCH
from ..kinds.images.plan import plan
from ..spec import Augment
from .autoencoder_script import images_code
from .images import head_of, input_shape, model_source
from .script import INIT_CODE, loss_code, optimizer_code, penalty_code, schedule_code
from .training_loop import training_loop


def weighted(spec) -> list[str]:
    """The expressions of the layers with a weight, in the order CNN.linears() names them (what initialisation
    fills and the penalties see): each block's conv or linear, a residual's body then its projection, the output."""
    head = head_of(spec)
    planned = plan(input_shape(spec), [layer.model_dump() for layer in spec.model.layers], head.n_outputs)
    found = []

    def collect(steps, at: str) -> None:
        for i, step in enumerate(steps):
            if step.type == "conv2d":
                found.append(f"{at}[{i}].conv")
            elif step.type == "dense":
                found.append(f"{at}[{i}].linear")
            elif step.type == "residual":
                collect(step.inner, f"{at}[{i}].body")
                if step.projection is not None:
                    found.append(f"{at}[{i}].projection")

    collect(planned.steps, "model.blocks")
    return [*found, "model.output"]


def script_source(spec, header: str) -> str:
    data, train = spec.data, spec.train
    head = head_of(spec)
    to_targets, loss = loss_code(head)
    early = train.early_stopping
    stopping = None if early is None else {"patience": early.patience, "min_delta": early.min_delta,
                                           "restore_best": early.restore_best}
    model = model_source(spec, header).split('"""\n', 1)[1]  # the module without its docstring
    a = data.augment
    augmenting = a is not None and a != Augment()
    augment_call = (f"augment(inputs, {a.shift!r}, {a.flip!r}, {a.rotate!r}, {a.noise!r}, fresh)" if augmenting
                    else "inputs")
    layers = ", ".join(weighted(spec))
    loop = training_loop(
        data="x", batchnorm="has_batchnorm",
        shuffle="""
            order = torch.randperm(n, generator=shuffle)
            xs, ys = x[order], y[order]""",
        step=f"""
            inputs = xs[start:start + batch_size]
            output, targets = model({augment_call}), ys[start:start + batch_size]
            loss = {loss}""",
        epoch_end="""
            train_values, test_values = measure(model, x, labels, y), measure(model, x_test, labels_test, y_test)
            found = torch.stack([train_values[0], test_values[0], train_values[1], test_values[1]]).tolist()
            metrics = dict(zip(("train_loss", "test_loss", "train_accuracy", "test_accuracy"), found))
            print(f"epoch {epoch + 1}", metrics, flush=True)""",
        watched='metrics["test_loss"]')
    return f'''"""{header}

A standalone training script: it makes the same images and trains the same CNN from scratch, with plain PyTorch,
printing each epoch's losses and accuracies. Run it with `python {{this file}}`; it saves the weights to model.pt
(loadable into build_model()).
"""
import base64  # noqa: F401 (the digits are written in base64)
import math  # noqa: F401 (the schedule, the images and the augmentation may use it)

import numpy as np
{model}

# The run's training settings.
EPOCHS = {train.epochs!r}
BATCH_SIZE = {train.batch_size!r}
LR = {train.optimizer.lr!r}  # the base rate: the schedule scales it
SEED = {train.seed!r}  # initialisation, shuffling, augmentation, dropout
GRAD_CLIP = {train.grad_clip!r}  # the largest gradient norm, or None
MAX_STEPS = {train.max_steps!r}  # stop after this many optimizer steps, or None
EARLY_STOPPING = {stopping!r}  # on the test loss, or None
EVAL_BATCH = {EVAL_BATCH}  # images per forward pass when measuring


def weighted(model):
    """The layers with a weight, in the trainer's order: what initialisation fills and the penalties see."""
    return [{layers}]


def weights(model):
    return [layer.weight for layer in weighted(model)]


def penalty(model):
{penalty_code(train)}

{schedule_code(train.schedule)}

{images_code(data.dataset)}


{inspect.getsource(image_data.resize).rstrip()}


{inspect.getsource(image_data.augment).rstrip()}


def make_data():
    """The images and labels, shuffled, resampled, split into (train, test); the same for the same seed."""
    n, noise, test_fraction, size = {data.n_samples!r}, {data.noise!r}, {data.test_fraction!r}, {data.image_size!r}
    rng = np.random.default_rng({data.seed!r})
    images, labels = generate(n, noise, rng)
    order = rng.permutation(n)
    images, labels = images[order], labels[order]
    if size:
        images = resize(images, size)
    n_train = n - int(round(n * test_fraction))
    images, labels = torch.from_numpy(images), torch.from_numpy(labels)
    return (images[:n_train], labels[:n_train]), (images[n_train:], labels[n_train:])


def measure(model, x, labels, targets):
    """Loss and accuracy over a whole split, a chunk of images at a time."""
    model.eval()
    with torch.inference_mode():
        output = torch.cat([model(chunk) for chunk in x.split(EVAL_BATCH)])
        values = [{loss}, (predict(output) == labels).float().mean()]
    model.train()
    return values


def main():
    torch.manual_seed(SEED)
    shuffle = torch.Generator().manual_seed(SEED)
    (x, labels), (x_test, labels_test) = make_data()
    model = build_model()
    for layer in weighted(model):
        w = layer.weight
        {INIT_CODE[spec.model.init]}
        if layer.bias is not None:  # a residual projection has none
            nn.init.constant_(layer.bias, {spec.model.bias_init!r})
    y, y_test = {to_targets}, {to_targets.replace("labels", "labels_test")}
    fresh = torch.Generator().manual_seed(SEED)  # the augmentation's draws
    has_batchnorm = any(isinstance(m, nn.modules.batchnorm._BatchNorm) for m in model.modules())
    params = list(model.parameters())
    optimizer = {optimizer_code(train.optimizer)}
{loop}'''
