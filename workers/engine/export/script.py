"""format=script: a standalone training script that trains a 2-D points run again from scratch, in plain PyTorch.

It generates the same dataset (the engine's own generator, copied by its source; an uploaded dataset's rows are
written into it, export/table.py), builds the same network
(export/points.py), initialises it, shuffles and steps as the trainer (loop.py) does, with the same seeds, and
prints the metrics of every epoch. Live changes made while the run trained are not replayed: it trains the
spec as it was submitted.
"""
from __future__ import annotations

import inspect
import textwrap
import types

from ..kinds.points.datasets import PLANE_DATASETS
from . import points, table
from .training_loop import training_loop

# Each initialisation (choices.INITS) as code filling a weight `w` (layers.INIT_FILLS does the same).
INIT_CODE = {
    "zeros": "nn.init.zeros_(w)", "uniform": "nn.init.uniform_(w, -0.5, 0.5)", "normal": "nn.init.normal_(w, 0.0, 0.5)",
    "xavier_uniform": "nn.init.xavier_uniform_(w)", "xavier_normal": "nn.init.xavier_normal_(w)",
    "he_uniform": 'nn.init.kaiming_uniform_(w, nonlinearity="relu")',
    "he_normal": 'nn.init.kaiming_normal_(w, nonlinearity="relu")',
}


def optimizer_code(o) -> str:
    """The torch optimizer optim.BUILDERS makes for the spec's optimizer `o`."""
    if o.name == "sgd":
        return f"torch.optim.SGD(params, lr={o.lr!r}, momentum={o.momentum!r}, nesterov={o.nesterov!r})"
    if o.name == "adagrad":
        return f"torch.optim.Adagrad(params, lr={o.lr!r})"
    if o.name == "rmsprop":
        return f"torch.optim.RMSprop(params, lr={o.lr!r}, alpha={o.alpha!r}, momentum={o.momentum!r})"
    return f"torch.optim.Adam(params, lr={o.lr!r}, betas=({o.beta1!r}, {o.beta2!r}))"


def class_argument(data) -> str:
    """A k-class dataset's generator takes k too (datasets.make_data passes it the same way)."""
    dataset = PLANE_DATASETS[data.dataset]
    return "" if dataset.classes is None else f", {dataset.class_count(data.classes)!r}"


def generator_source(name: str) -> str:
    """The dataset's generator as the engine has it, with the module constants it reads."""
    generate = PLANE_DATASETS[name].generate
    constants = [f"{n} = {generate.__globals__[n]!r}\n" for n in generate.__code__.co_names
                 if n in generate.__globals__ and not callable(generate.__globals__[n])
                 and not isinstance(generate.__globals__[n], types.ModuleType)]
    return "".join(constants) + ("\n\n" if constants else "") + inspect.getsource(generate)


def loss_code(head) -> tuple[str, str]:
    """(labels -> targets, (outputs, targets) -> loss), as losses.Head does."""
    if head.loss_name == "cross_entropy":
        return "labels.long()", "F.cross_entropy(output, targets)"
    if head.loss_name == "bce":
        return "labels.unsqueeze(1)", "F.binary_cross_entropy_with_logits(output, targets)"
    activated = points.OUTPUT_CODE[head.output_activation]
    lo, hi = head.score_range
    targets = "labels.unsqueeze(1)"
    if head.task == "classification":  # the classes become the ends of the output's range
        targets = f"({lo!r} + {hi - lo!r} * labels).unsqueeze(1)"
    return targets, f"0.5 * F.mse_loss({activated}, targets)"


def schedule_code(schedule) -> str:
    """The learning-rate schedule as every training script writes it: its settings, and the engine's own factor()
    (lr = LR * factor(SCHEDULE, epoch))."""
    settings = "; ".join(f"{k} = {v!r}" for k, v in schedule.model_dump().items())
    factor = textwrap.dedent(inspect.getsource(type(schedule).factor))
    return (f"class SCHEDULE:  # the learning-rate schedule's settings: lr = LR * factor(SCHEDULE, epoch)\n"
            f"    {settings}\n\n\n{factor}")


def penalty_code(train) -> str:
    """regularizers.penalty_fn's sum over the weight layers, in its order."""
    terms = []
    if train.l1:
        terms.append(f"total = total + {train.l1!r} * w.abs().sum()")
    if train.l2:
        terms.append(f"total = total + {train.l2!r} / 2 * w.pow(2).sum()")
    if train.weight_elimination:
        e = train.weight_elimination
        terms.append(f"total = total + {e.lambda_!r} * (w.pow(2) / ({e.beta!r} ** 2 + w.pow(2))).sum()")
    if not terms:
        return "    return None\n"
    body = "".join(f"        {term}\n" for term in terms)
    return f"    total = torch.zeros(())\n    for w in weights(model):\n{body}    return total\n"


def plane_data_code(data) -> str:
    """The generated dataset's generator and make_data(): the engine's make_data, for this spec's data."""
    return f'''{generator_source(data.dataset)}

def make_data():
    """Shuffled, then split into (train, test) pairs of (points, labels); the same numbers for the same seed."""
    n_samples, noise, test_fraction = {data.n_samples!r}, {data.noise!r}, {data.test_fraction!r}
    rng = np.random.default_rng({data.seed!r})
    points, labels = {PLANE_DATASETS[data.dataset].generate.__name__}(n_samples, noise, rng{class_argument(data)})
    order = rng.permutation(n_samples)
    points, labels = points[order].astype(np.float32), labels[order].astype(np.float32)
    n_train = n_samples - int(round(n_samples * test_fraction))
    return (points[:n_train], labels[:n_train]), (points[n_train:], labels[n_train:])'''


def script_source(spec, header: str) -> str:
    data, train = spec.data, spec.train
    head = points.head_of(spec)
    to_targets, loss = loss_code(head)
    schedule = train.schedule
    has_batchnorm = any(layer.batchnorm for layer in spec.model.layers)
    early = train.early_stopping
    stopping = None if early is None else {"patience": early.patience, "min_delta": early.min_delta,
                                           "restore_best": early.restore_best}
    if data.table is not None:
        data_code, main_parameters, main_call = table.script_data_code(data)
    else:
        data_code, main_parameters, main_call = plane_data_code(data), "", "    main()"
    loop = training_loop(
        data="x",
        shuffle="""
            order = torch.randperm(n, generator=shuffle)
            xs, ys = x[order], y[order]""",
        step=f"""
            output, targets = model(xs[start:start + batch_size]), ys[start:start + batch_size]
            loss = {loss}""",
        epoch_end="""
            train_metrics, test_metrics = measure(model, x, labels, y), measure(model, x_test, labels_test, y_test)
            print(f"epoch {epoch + 1}", "train", train_metrics, "test", test_metrics, flush=True)""",
        watched='test_metrics["loss"]', main_call=main_call)
    return f'''"""{header}

A standalone training script: it makes the same data and trains the same network from scratch, with plain
PyTorch, printing the metrics of every epoch. Run it with `python {{this file}}`; it saves the weights to
model.pt (loadable into build_model()).
"""
import math  # noqa: F401 (the schedule and the dataset may use it)
{points.model_body(spec)}

# The run's training settings.
EPOCHS = {train.epochs!r}
BATCH_SIZE = {train.batch_size!r}
LR = {train.optimizer.lr!r}  # the base rate: the schedule scales it
SEED = {train.seed!r}  # initialisation, shuffling and dropout
GRAD_CLIP = {train.grad_clip!r}  # the largest gradient norm, or None
MAX_STEPS = {train.max_steps!r}  # stop after this many optimizer steps, or None
EARLY_STOPPING = {stopping!r}  # on the test loss, or None
CLASSIFICATION = {head.task == "classification"!r}
HAS_BATCHNORM = {has_batchnorm!r}  # then a last batch of one is skipped: batch norm cannot normalise it

def weights(model):
    """The weight layers (not the biases): what the penalties see, and what initialisation fills."""
    return [module.weight for module in model if isinstance(module, nn.Linear)]


def penalty(model):
{penalty_code(train)}

{schedule_code(schedule)}

{data_code}

def measure(model, x, labels, targets):
    model.eval()
    with torch.no_grad():
        output = model(x)
        found = {{"loss": ({loss}).item()}}
        if CLASSIFICATION:
            found["accuracy"] = (predict(output) == labels.long()).float().mean().item()
    model.train()
    return found


def main({main_parameters}):
    torch.manual_seed(SEED)
    shuffle = torch.Generator().manual_seed(SEED)
    (train_points, train_labels), (test_points, test_labels) = make_data({main_parameters.split('=')[0]})
    x, x_test = features(train_points), features(test_points)
    labels, labels_test = torch.from_numpy(train_labels), torch.from_numpy(test_labels)
    y, y_test = {to_targets}, {to_targets.replace("labels", "labels_test")}
    model = build_model()
    for w in weights(model):
        {INIT_CODE[spec.model.init]}
    for module in model:
        if isinstance(module, nn.Linear):
            nn.init.constant_(module.bias, {spec.model.bias_init!r})
    params = list(model.parameters())
    optimizer = {optimizer_code(train.optimizer)}
{loop}'''
