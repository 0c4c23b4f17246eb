"""format=script for a sequence run: a standalone script that trains the network again from scratch, in plain
PyTorch, as the trainer (loop.py) drives SequenceKind (kinds/sequences/kind.py): the same sequences (the task's
generator as the engine has it, copied by its source with the helpers and constants it reads; the text's corpus
written in), the same construction and initialisation (export/sequences.py's build_model()), the same loss over
the scored steps (teacher forcing for decoder blocks), and each epoch's losses and token accuracies. Live
changes are not replayed.
"""
from __future__ import annotations

import inspect
import textwrap
import types

from ..datasets import class_names
from ..kinds.sequences import datasets
from ..kinds.sequences.kind import EVAL_BATCH
from ..kinds.sequences.model import SeqNet
from .script import INIT_CODE, optimizer_code, penalty_code, schedule_code
from .sequences import head_of, input_shape, model_source
from .training_loop import training_loop

LINE = 100  # characters of a long string constant a line


def _constant(name: str, value) -> str:
    """`name = value`, a long string (the corpus) as parenthesised lines of LINE characters."""
    if isinstance(value, str) and len(value) > LINE:
        parts = "".join(f"    {value[i:i + LINE]!r}\n" for i in range(0, len(value), LINE))
        return f"{name} = (\n{parts})\n"
    return f"{name} = {value!r}\n"


def _names(code: types.CodeType) -> list[str]:
    """The global names a function's code reads, its comprehensions' too (nested code objects in 3.11)."""
    return [*code.co_names, *(n for c in code.co_consts if isinstance(c, types.CodeType) for n in _names(c))]


def generator_code(function, wanted: tuple[str, ...] = ("IGNORE",)) -> str:
    """The function's source with the helpers (other functions of the datasets module) and the constants it reads,
    found by name, and the constants `wanted` (the script's loss reads IGNORE): constants first, each once."""
    found, constants, seen = [], {name: getattr(datasets, name) for name in wanted}, set()
    queue = [function]
    while queue:
        function = queue.pop(0)
        if function.__name__ in seen:
            continue
        seen.add(function.__name__)
        found.append(inspect.getsource(function).rstrip())
        for name in _names(inspect.unwrap(function).__code__):
            value = vars(datasets).get(name)
            if isinstance(value, types.FunctionType) or hasattr(value, "__wrapped__"):
                queue.append(value)
            elif value is not None and not callable(value) and not isinstance(value, types.ModuleType):
                constants.setdefault(name, value)
    return "".join(_constant(n, v) for n, v in constants.items()) + "\n\n" + "\n\n\n".join(found)


def data_code(data) -> str:
    """The task's generator and make_data(): the engine's make_sequences, for this spec's data."""
    params = datasets.sequence_params(data.dataset, data)
    if data.dataset == "text":  # its test windows come from the text's last part
        generate, split = datasets._text_split, "return _text_split(n_train, n_test, params, rng)"
    else:
        generate = datasets.SEQUENCE_DATASETS[data.dataset].generate
        split = f"""
            inputs, targets = {generate.__name__}(n, params, noise, rng)
            return (inputs[:n_train], targets[:n_train]), (inputs[n_train:], targets[n_train:])"""
    return f'''{generator_code(generate)}


def make_data():
    """(train, test) pairs of (inputs, targets) arrays; the same sequences for the same seed."""
    n, noise, test_fraction, params = {data.n_samples!r}, {data.noise!r}, {data.test_fraction!r}, {params!r}
    rng = np.random.default_rng({data.seed!r})
    n_test = int(round(n * test_fraction))
    n_train = n - n_test
{textwrap.indent(textwrap.dedent(split).strip(), "    ")}'''


def linears(spec) -> list[str]:
    """The names of the layers with a weight, in the order SeqNet.linears() gives them (what initialisation
    fills and the penalties see): the engine's own network, built without memory to ask it."""
    import torch

    with torch.device("meta"):
        model = SeqNet(input_shape(spec), [layer.model_dump() for layer in spec.model.layers],
                       head_of(spec).n_outputs, len(class_names(spec.data.dataset, spec.data)))
    names = {id(module): name for name, module in model.named_modules()}
    return [names[id(module)] for module in model.linears().values()]


def script_source(spec, header: str) -> str:
    data, train = spec.data, spec.train
    classification = head_of(spec).task == "classification"
    early = train.early_stopping
    stopping = None if early is None else {"patience": early.patience, "min_delta": early.min_delta,
                                           "restore_best": early.restore_best}
    model = model_source(spec, header).split('"""\n', 1)[1]  # the module without its docstring
    decoding = any(layer.type == "decoder_block" for layer in spec.model.layers)
    sequences = data_code(data)
    cached = "import functools  # the text's vocabulary is cached\n\n" if "@functools." in sequences else ""
    loop = training_loop(
        data="x", batchnorm="has_batchnorm",
        shuffle="""
            order = torch.randperm(n, generator=shuffle)
            xs, ys = x[order], y[order]""",
        step="""
            targets = ys[start:start + batch_size]
            loss = loss_of(forward(model, xs[start:start + batch_size], targets), targets)""",
        epoch_end="""
            metrics = evaluate(model, x, y, x_test, y_test)
            print(f"epoch {epoch + 1}", metrics, flush=True)""",
        watched='metrics["test_loss"]',
        restored='print("best restored", evaluate(model, x, y, x_test, y_test), flush=True)')
    if classification:
        loss = ("return F.cross_entropy(output.flatten(0, 1), targets.flatten(), ignore_index=IGNORE, "
                "reduction=reduction)")
    else:
        loss = """asked = torch.isfinite(targets)
    errors = 0.5 * (predict(output) - targets.nan_to_num()).pow(2)[asked]
    return errors.mean() if reduction == "mean" else errors.sum()"""
    return f'''"""{header}

A standalone training script: it makes the same sequences and trains the same network from scratch, with plain
PyTorch, printing each epoch's losses (and token accuracies). Run it with `python {{this file}}`; it saves the
weights to model.pt (loadable into build_model()).
"""
from __future__ import annotations

{cached}import numpy as np
{model}

# The run's training settings.
EPOCHS = {train.epochs!r}
BATCH_SIZE = {train.batch_size!r}
LR = {train.optimizer.lr!r}  # the base rate: the schedule scales it
SEED = {train.seed!r}  # initialisation, shuffling, dropout
GRAD_CLIP = {train.grad_clip!r}  # the largest gradient norm, or None
MAX_STEPS = {train.max_steps!r}  # stop after this many optimizer steps, or None
EARLY_STOPPING = {stopping!r}  # on the test loss, or None
CLASSIFICATION = {classification!r}  # a token at every scored step; else a value (sine)
DECODING = {decoding!r}  # decoder blocks: the network also reads the answer so far (teacher forcing)
EVAL_BATCH = {EVAL_BATCH}  # sequences per forward pass when measuring
LINEARS = {linears(spec)!r}


def weighted(model):
    """The layers with a weight, in the trainer's order: what initialisation fills and the penalties see
    (embeddings, attention and recurrent layers keep torch's own initialisation)."""
    return [model.get_submodule(name) for name in LINEARS]


def weights(model):
    return [layer.weight for layer in weighted(model)]


def penalty(model):
{penalty_code(train)}

{schedule_code(train.schedule)}

{sequences}


def forward(model, inputs, targets):
    return model(inputs, shift_right(targets)) if DECODING else model(inputs)


def loss_of(output, targets, reduction="mean"):
    """Over the scored steps only: cross-entropy of the tokens, or half the squared error of the values."""
    {loss}


def measure(model, x, y):
    """(loss, token accuracy) over a whole split, EVAL_BATCH sequences at a time, as the run measures it."""
    total, correct, scored = 0.0, 0, 0
    for xs, ys in zip(x.split(EVAL_BATCH), y.split(EVAL_BATCH)):
        output = forward(model, xs, ys)
        total = total + loss_of(output, ys, "sum")
        asked = ys != IGNORE if CLASSIFICATION else torch.isfinite(ys)
        if CLASSIFICATION:
            correct = correct + ((output.argmax(-1) == ys) & asked).sum()
        scored += int(asked.sum())
    return [total / max(scored, 1), correct / max(scored, 1)]


def evaluate(model, x, y, x_test, y_test):
    """The run's metrics: the losses (and token accuracies) of both splits, in evaluation mode."""
    model.eval()
    with torch.inference_mode():
        measured = [*measure(model, x, y), *measure(model, x_test, y_test)]
        found = torch.stack([torch.as_tensor(v, dtype=torch.float32) for v in measured]).tolist()
    model.train()
    metrics = dict(zip(("train_loss", "train_accuracy", "test_loss", "test_accuracy"), found))
    if not CLASSIFICATION:
        del metrics["train_accuracy"], metrics["test_accuracy"]
    return metrics


def main():
    torch.manual_seed(SEED)
    shuffle = torch.Generator().manual_seed(SEED)
    (x, y), (x_test, y_test) = ([torch.from_numpy(a) for a in split] for split in make_data())
    model = build_model()
    for layer in weighted(model):
        w = layer.weight
        {INIT_CODE[spec.model.init]}
        if layer.bias is not None:
            nn.init.constant_(layer.bias, {spec.model.bias_init!r})
    has_batchnorm = any(isinstance(m, nn.modules.batchnorm._BatchNorm) for m in model.modules())
    params = list(model.parameters())
    optimizer = {optimizer_code(train.optimizer)}
{loop}'''
