"""Sequence datasets: small tasks that show what recurrent networks and attention can and cannot learn.

Every task is generated offline and is the same for the same seed. A token task gives `inputs` (N, T) of
token indices and `targets` (N, T) of token indices, IGNORE where no answer is asked for (the question part
of an addition, the delay of a copy): the network predicts a token at every step and is scored where the
target is not IGNORE, so one model and one loss serve every task. The sine task gives values instead:
inputs (N, T, 2) of (value, known) and targets (N, T) with NaN where nothing is asked.
Token 0 of every vocabulary is "_", the blank.
"""
from __future__ import annotations

import functools
import string
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from .corpus import CORPUS

IGNORE = -100  # a target that is not scored (torch's cross_entropy ignore_index)
BLANK = "_"
SEQUENCE_FIELDS = ("length", "delay", "symbols", "digits", "horizon")  # data fields for sequences only
LETTERS = tuple(string.ascii_lowercase)

Generated = tuple[np.ndarray, np.ndarray]


@dataclass(frozen=True)
class SequenceDataset:
    kind: str  # always "sequence"; every kind's dataset record leads with kind, task and description
    task: str  # "classification" (a token at every scored step) or "regression" (sine)
    generate: Callable[..., Generated]  # (n, params, noise, rng) -> (inputs, targets)
    description: str
    parameters: dict[str, int]  # the data fields it takes, with their defaults
    vocab: Callable[[dict], tuple[str, ...]]  # params -> tokens (regression: none)
    length: Callable[[dict], int]  # params -> T, the steps the network sees
    bounds: dict[str, tuple[int, int]] = field(default_factory=dict)  # field -> (min, max)
    causal: bool = False  # predicting the next input: a model that sees the future would copy it
    prose: bool = False  # its tokens are the characters of English text: vowels and consonants mean something


def _symbols(p: dict) -> tuple[str, ...]:
    return (BLANK, *LETTERS[:p["symbols"]])


def _random_symbols(n: int, p: dict, rng: np.random.Generator) -> np.ndarray:
    return rng.integers(1, p["symbols"] + 1, size=(n, p["length"]))


def _reverse(n: int, p: dict, noise: float, rng: np.random.Generator) -> Generated:
    x = _random_symbols(n, p, rng)
    return x, x[:, ::-1].copy()


def _sort(n: int, p: dict, noise: float, rng: np.random.Generator) -> Generated:
    x = _random_symbols(n, p, rng)
    return x, np.sort(x, axis=1)


def _copy_vocab(p: dict) -> tuple[str, ...]:
    return (BLANK, "=", *LETTERS[:p["symbols"]])


def _copy(n: int, p: dict, noise: float, rng: np.random.Generator) -> Generated:
    """a b c _ _ _ … _ = = =  →  the same a b c at the `=` steps: remember across `delay` blanks."""
    length, delay = p["length"], p["delay"]
    items = rng.integers(2, p["symbols"] + 2, size=(n, length))
    x = np.zeros((n, 2 * length + delay), dtype=np.int64)
    x[:, :length], x[:, length + delay:] = items, 1
    y = np.full_like(x, IGNORE)
    y[:, length + delay:] = items
    return x, y


def _parity(n: int, p: dict, noise: float, rng: np.random.Generator) -> Generated:
    """Bits in; at every step, whether an odd number of 1s has been seen so far."""
    bits = rng.integers(0, 2, size=(n, p["length"]))
    return bits + 1, np.cumsum(bits, axis=1) % 2 + 1


ADDITION_VOCAB = (BLANK, *string.digits, "+", "=")


def _addition(n: int, p: dict, noise: float, rng: np.random.Generator) -> Generated:
    """`123+456=` then digits+1 blanks, whose targets are the sum's digits `0579`, most significant first."""
    d = p["digits"]
    a, b = rng.integers(0, 10 ** d, size=n), rng.integers(0, 10 ** d, size=n)
    code = {token: i for i, token in enumerate(ADDITION_VOCAB)}
    x = np.zeros((n, 3 * d + 3), dtype=np.int64)
    y = np.full_like(x, IGNORE)
    for row in range(n):
        question = f"{a[row]:0{d}d}+{b[row]:0{d}d}="
        x[row, :len(question)] = [code[c] for c in question]
        y[row, len(question):] = [code[c] for c in f"{a[row] + b[row]:0{d + 1}d}"]
    return x, y


def _sine(n: int, p: dict, noise: float, rng: np.random.Generator) -> Generated:
    """Sine waves of random amplitude, frequency and phase; the last `horizon` values are hidden and asked for."""
    length, horizon = p["length"], p["horizon"]
    t = np.arange(length)
    amplitude, omega = rng.uniform(0.5, 1.0, (n, 1)), rng.uniform(0.15, 0.6, (n, 1))
    wave = amplitude * np.sin(omega * t + rng.uniform(0, 2 * np.pi, (n, 1)))
    seen = wave + (rng.normal(0, noise, wave.shape) if noise > 0 else 0)
    known = (t < length - horizon).astype(np.float32)[None].repeat(n, 0)
    inputs = np.stack([seen * known, known], axis=2).astype(np.float32)
    targets = np.where(known == 0, wave, np.nan).astype(np.float32)
    return inputs, targets


@functools.lru_cache(maxsize=1)
def text_vocab() -> tuple[str, ...]:
    return (BLANK, *sorted(set(CORPUS) - {"\n"}))


def _encoded_corpus() -> np.ndarray:
    code = {c: i for i, c in enumerate(text_vocab())}
    return np.array([code[c] for c in CORPUS.replace("\n", " ")], dtype=np.int64)


def _windows(text: np.ndarray, n: int, length: int, rng: np.random.Generator) -> Generated:
    """n random windows of the text; the target at each step is the next character."""
    starts = rng.integers(0, len(text) - length - 1, size=n)
    w = text[starts[:, None] + np.arange(length + 1)]
    return w[:, :-1], w[:, 1:]


def _text(n: int, p: dict, noise: float, rng: np.random.Generator) -> Generated:
    return _windows(_encoded_corpus(), n, p["length"], rng)


def _same_length(p: dict) -> int:
    return p["length"]


LENGTH = (2, 64)
SEQUENCE_DATASETS: dict[str, SequenceDataset] = {
    "reverse": SequenceDataset("sequence", "classification", _reverse,
                               "Write the sequence backwards: a b c d → d c b a. Attention needs positions.",
                               {"length": 8, "symbols": 8}, _symbols, _same_length,
                               {"length": LENGTH, "symbols": (2, 26)}),
    "sort": SequenceDataset("sequence", "classification", _sort,
                            "Sort the letters: c a d a → a a c d.",
                            {"length": 8, "symbols": 8}, _symbols, _same_length,
                            {"length": LENGTH, "symbols": (2, 26)}),
    "copy": SequenceDataset("sequence", "classification", _copy,
                            "Remember `length` letters across `delay` blank steps, then write them at the `=` "
                            "steps: long-range memory, where vanilla RNNs fail and LSTMs do not.",
                            {"length": 3, "delay": 10, "symbols": 4}, _copy_vocab,
                            lambda p: 2 * p["length"] + p["delay"],
                            {"length": (1, 16), "delay": (0, 100), "symbols": (2, 26)}),
    "parity": SequenceDataset("sequence", "classification", _parity,
                              "Bits in; at every step, the parity of the 1s so far: a count kept mod 2.",
                              {"length": 16}, lambda p: (BLANK, "0", "1"), _same_length, {"length": LENGTH}),
    "addition": SequenceDataset("sequence", "classification", _addition,
                                "Multi-digit addition as sequence-to-sequence: `123+456=` → `0579`.",
                                {"digits": 3}, lambda p: ADDITION_VOCAB, lambda p: 3 * p["digits"] + 3,
                                {"digits": (1, 8)}),
    "sine": SequenceDataset("sequence", "regression", _sine,
                            "Forecast a sine wave: its last `horizon` values are hidden (noise: Gaussian "
                            "noise on the values seen).",
                            {"length": 32, "horizon": 8}, lambda p: (), _same_length,
                            {"length": LENGTH, "horizon": (1, 32)}),
    "text": SequenceDataset("sequence", "classification", _text,
                            "Character-level language modelling on a short text written for the project: "
                            "predict every next character. Needs causal models.",
                            {"length": 32}, lambda p: text_vocab(), _same_length, {"length": LENGTH},
                            causal=True, prose=True),
}


def sequence_params(dataset: str, data) -> dict[str, int]:
    """The task's parameters: the spec's data fields where set, else the dataset's defaults."""
    defaults = SEQUENCE_DATASETS[dataset].parameters
    return {key: getattr(data, key) if getattr(data, key) is not None else value for key, value in defaults.items()}


def vocabulary(dataset: str, data) -> tuple[str, ...]:
    return SEQUENCE_DATASETS[dataset].vocab(sequence_params(dataset, data))


def sequence_shape(dataset: str, data) -> tuple[int, ...]:
    """(T,) tokens, or (T, 2) values for sine."""
    ds = SEQUENCE_DATASETS[dataset]
    steps = ds.length(sequence_params(dataset, data))
    return (steps,) if ds.task == "classification" else (steps, 2)


@dataclass(frozen=True)
class SequenceSplit:
    inputs: np.ndarray  # (N, T) int64 tokens, or (N, T, 2) float32 (value, known)
    targets: np.ndarray  # (N, T) int64 with IGNORE, or float32 with NaN


def make_sequences(dataset: str, data) -> tuple[SequenceSplit, SequenceSplit]:
    """Generate and split a sequence dataset; deterministic for data.seed. The text's test windows come
    from its last part, so that the test set is text the model has not read."""
    rng = np.random.default_rng(data.seed)
    params = sequence_params(dataset, data)
    n_test = int(round(data.n_samples * data.test_fraction))
    n_train = data.n_samples - n_test
    generate = SEQUENCE_DATASETS[dataset].generate
    if dataset == "text":
        return tuple(SequenceSplit(*split) for split in _text_split(n_train, n_test, params, rng))
    inputs, targets = generate(data.n_samples, params, data.noise, rng)
    return SequenceSplit(inputs[:n_train], targets[:n_train]), SequenceSplit(inputs[n_train:], targets[n_train:])


def _text_split(n_train: int, n_test: int, params: dict, rng: np.random.Generator) -> tuple[Generated, Generated]:
    """(train, test) windows: the test's from the text's last part (a training script copies this source)."""
    text, length = _encoded_corpus(), params["length"]
    cut = int(len(text) * 0.85)
    return _windows(text[:cut], n_train, length, rng), _windows(text[cut:], n_test, length, rng)
