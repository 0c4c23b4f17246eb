"""workers/engine/export of sequence networks: the exported code, in a fresh interpreter, with the run's final
weights loaded strictly, writes the run's own predictions on its test set, bit for bit (every layer type: embedding,
positional encodings, RNN/GRU/LSTM, transformer and decoder blocks, dense, dropout; tokens and values); ONNX has
the right inputs and outputs; the training script trains the run again, bit for bit."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest
import torch

from tests.workers.engine import exports
from tests.workers.engine.helpers import final, of, run, spec
from tests.workers.engine.test_export_generative import onnx_io
from workers.engine.events import decode
from workers.engine import Spec
from workers.engine.export import export, header, sequences
from workers.engine.kinds.sequences.kind import SequenceKind
from workers.engine.kinds.sequences.model import shift_right
from workers.engine.presets import PRESETS

# The smallest specs that, together, cover every sequence layer type and option the export writes differently.
CASES = [
    ("copy", {"length": 2, "delay": 1, "symbols": 3},
     [{"type": "embedding", "dim": 4}, {"type": "rnn", "hidden": 5, "activation": "relu", "bidirectional": True},
      {"type": "gru", "hidden": 3, "num_layers": 2}, {"type": "dense", "units": 4, "activation": "maxout",
                                                       "batchnorm": True, "dropout": 0.1}]),
    ("reverse", {"length": 4, "symbols": 3},
     [{"type": "embedding", "dim": 4}, {"type": "positional", "encoding": "learned"},
      {"type": "transformer_block", "width": 6, "heads": 2, "ff": 8, "norm": "post", "causal": True},
      {"type": "decoder_block", "heads": 3, "ff": 5, "dropout": 0.1}, {"type": "dropout", "rate": 0.2}]),
    ("reverse", {"length": 4, "symbols": 3},
     [{"type": "embedding", "dim": 4}, {"type": "positional"}, {"type": "transformer_block", "heads": 2, "ff": 8},
      {"type": "lstm", "hidden": 3}]),
    ("sine", {}, [{"type": "lstm", "hidden": 3}, {"type": "dense", "units": 2}]),
]

CHECK = """
import sys, torch
code = {}
exec(open("model.py").read(), code)
model = code["build_model"]()
model.load_state_dict(torch.load("model.pt"), strict=True)
model.eval()
data = torch.load("data.pt")
with torch.no_grad():
    args = (data["x"], code["shift_right"](data["y"])) if data["decoding"] else (data["x"],)
    torch.save({"output": model(*args), "predicted": code["predict"](model(*args))}, "out.pt")
"""


def trained(dataset, params, layers):
    s = spec(data={"dataset": dataset, "n_samples": 24, "test_fraction": 0.25, **params},
             model={"layers": layers}, train={"epochs": 1, "batch_size": 8})
    events = run(s)
    assert final(events)["status"] == "succeeded"
    return s, of(events, "final_weights")[-1]["data"]["state"]


@pytest.mark.parametrize("case", range(len(CASES)))
def test_the_exported_code_predicts_what_the_run_predicts(tmp_path, case):
    dataset, params, layers = CASES[case]
    s, state = trained(dataset, params, layers)
    (tmp_path / "model.py").write_bytes(export("r" * 12, None, s, state, "pytorch").content)
    (tmp_path / "model.pt").write_bytes(export("r" * 12, None, s, state, "state_dict").content)
    engine = SequenceKind(s, "cpu", False)
    engine.model.load_state_dict({k: torch.from_numpy(decode(v).copy()).to(engine.model.state_dict()[k].dtype)
                                  for k, v in state.items()}, strict=True)
    engine.model.eval()
    torch.save({"x": engine.x_test, "y": engine.y_test, "decoding": engine.model.decoding}, tmp_path / "data.pt")
    (tmp_path / "check.py").write_text(CHECK)
    exports.run_file(tmp_path, "check.py", fresh=case == 0)  # once in a fresh interpreter: it needs only torch
    out = torch.load(tmp_path / "out.pt")
    with torch.no_grad():
        expected = engine.forward(engine.x_test, engine.y_test)
    assert torch.equal(out["output"], expected)  # the run's test-set outputs, bit for bit
    if engine.vocab:
        assert torch.equal(out["predicted"], expected.argmax(-1))  # its predicted tokens
    else:
        assert torch.equal(out["predicted"], engine.head.activate(expected[..., 0]))


def test_tokens_encode_and_decode_as_the_run_names_them():
    s, state = trained(*CASES[0])
    code: dict = {}
    exec(compile(export("r" * 12, None, s, state, "pytorch").content.decode(), "<exported>", "exec"), code)
    assert code["TOKENS"] == ["_", "=", "a", "b", "c"] and code["INPUT"] == [5]  # 2 letters, 1 blank, 2 recalls
    assert code["encode"]("ab_==").tolist() == [[2, 3, 0, 1, 1]]
    assert code["decode"](torch.tensor([2, 3, 0, 1, 1])) == "ab_=="
    assert torch.equal(code["shift_right"](torch.tensor([[-100, 2, 3]])), shift_right(torch.tensor([[-100, 2, 3]])))


@pytest.mark.parametrize("case, io_", [
    (0, [("tokens", ["batch", 5]), ("output", ["batch", 5, 5])]),  # RNN, GRU: tokens -> a token's logits a step
    (1, [("tokens", ["batch", 4]), ("decoder_input", ["batch", 4]), ("output", ["batch", 4, 4])]),  # attention
    (3, [("values", ["batch", 32, 2]), ("output", ["batch", 32, 1])]),  # LSTM on values (sine: 32 steps)
])
def test_onnx_takes_the_networks_inputs_and_gives_an_output_at_every_step(case, io_):
    s, state = trained(*CASES[case])
    assert onnx_io(s, state) == io_


# Training scripts: (the spec's sections, whether to run it in a fresh interpreter; see exports.run_script).
SCRIPTS = [
    ({"data": {"dataset": "copy", "length": 2, "delay": 2, "symbols": 3},  # an LSTM across a delay
      "model": {"layers": [{"type": "embedding", "dim": 4}, {"type": "lstm", "hidden": 5},
                           {"type": "dense", "units": 4, "activation": "tanh", "dropout": 0.1}],
                "init": "he_normal", "bias_init": 0.1},
      "train": {"l2": 0.001, "grad_clip": 1.0}}, True),
    ({"data": {"dataset": "text", "length": 8},  # a causal transformer on the corpus, written into the script
      "model": {"layers": [{"type": "embedding", "dim": 8}, {"type": "positional"},
                           {"type": "transformer_block", "heads": 2, "ff": 16, "causal": True, "dropout": 0.1}]},
      "train": {"optimizer": {"name": "adam", "lr": 0.01}}}, False),
    ({"data": {"dataset": "addition", "digits": 2},  # decoder blocks: teacher forcing
      "model": {"layers": [{"type": "embedding", "dim": 8}, {"type": "positional", "encoding": "learned"},
                           {"type": "transformer_block", "heads": 2, "ff": 16},
                           {"type": "decoder_block", "heads": 2, "ff": 16, "dropout": 0.1}]},
      "train": {"grad_clip": 0.5, "schedule": {"name": "step", "every": 1, "gamma": 0.5}}}, False),
    ({"data": {"dataset": "sine", "noise": 0.1},  # values; a batch of one skipped for batch norm; restored
      "model": {"layers": [{"type": "gru", "hidden": 4}, {"type": "dense", "units": 3, "batchnorm": True}],
                "output_activation": "tanh"},
      "train": {"epochs": 4, "batch_size": 7, "optimizer": {"name": "sgd", "lr": 0.2},
                "early_stopping": {"patience": 1, "min_delta": 0.01, "restore_best": True}}}, False),
    ({"data": {"dataset": "parity", "length": 6}, "model": {"layers": [{"type": "embedding", "dim": 4},
                                                                       {"type": "rnn", "hidden": 4}]},
      "train": {"epochs": 4, "max_steps": 7, "optimizer": {"name": "rmsprop", "lr": 0.01}}}, False),
]


@pytest.mark.parametrize("sections, fresh", SCRIPTS)
def test_the_script_trains_the_run_again_exactly(tmp_path, sections, fresh):
    """Trained alone, a sequence run's weights and every epoch's metrics are what its script makes: the same
    sequences, seeds, batches and steps."""
    s = spec(data={"n_samples": 40, **sections["data"]}, model=sections["model"],
             train={"epochs": 2, "batch_size": 8, **sections["train"]})
    events, state = exports.trained(s)
    lines, trained_again = exports.run_script(tmp_path, s, state, fresh=fresh)
    printed = [ast.literal_eval(line[line.index("{"):]) for line in lines]
    sent = [e["data"] for e in of(events, "metrics")]
    assert printed == [{k: metrics[k] for k in found} for found, metrics in zip(printed, sent)]
    assert len(printed) == len(sent) and printed[0].keys() >= {"train_loss", "test_loss"}
    exports.assert_same_weights(s, state, trained_again)


@pytest.mark.parametrize("dataset, params, layers", CASES)
def test_build_model_makes_the_modules_in_the_engines_order(dataset, params, layers):
    """The same random numbers at construction as the engine's SeqNet: what a training script needs."""
    from workers.engine.kinds.sequences.datasets import sequence_shape
    from workers.engine.kinds.sequences.model import SeqNet

    s = spec(data={"dataset": dataset, "n_samples": 24, **params}, model={"layers": layers})
    code: dict = {}
    exec(compile(export("r" * 12, None, s, None, "pytorch").content.decode(), "<exported>", "exec"), code)
    torch.manual_seed(5)
    exported = code["build_model"]().state_dict()
    engine = SequenceKind(s, "cpu", False)
    torch.manual_seed(5)
    built = SeqNet(sequence_shape(dataset, s.data), engine.layers, engine.head.n_outputs, len(engine.vocab))
    assert [k for k, v in built.state_dict().items() if not torch.equal(exported[k], v)] == []
    assert list(exported) == list(built.state_dict())  # in the same order: parameters() alike, as clipping sums


def test_the_docs_excerpt_of_a_sequence_model_is_what_the_export_writes():
    """docs/api.md shows transformer-reverse's model.py in part: every line it shows is a line of the file."""
    docs = (Path(__file__).resolve().parents[3] / "docs" / "api.md").read_text()
    start = docs.index("```python\n# model.py (excerpt)\nINPUT = [8]")
    excerpt = docs[start:docs.index("```\n", start + 3)].splitlines()[2:]
    spec = Spec.model_validate(next(p for p in PRESETS if p["name"] == "transformer-reverse")["spec"])
    written = sequences.model_source(spec, header("r", "transformer-reverse", spec)).splitlines()
    assert len(excerpt) > 10 and [line for line in excerpt if line and line not in written] == []
