"""workers/engine/export of sequence networks: the exported code, in a fresh interpreter, with the run's final
weights loaded strictly, writes the run's own predictions on its test set, bit for bit (every layer type: embedding,
positional encodings, RNN/GRU/LSTM, transformer and decoder blocks, dense, dropout; tokens and values); ONNX has
the right inputs and outputs."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest
import torch

from tests.workers.engine.helpers import final, of, run, spec
from tests.workers.engine.test_export_generative import onnx_io
from workers.engine.events import decode
from workers.engine.export import NotExportable, export
from workers.engine.kinds.sequences.kind import SequenceKind
from workers.engine.kinds.sequences.model import shift_right

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


@pytest.mark.parametrize("dataset, params, layers", CASES)
def test_the_exported_code_predicts_what_the_run_predicts(tmp_path, dataset, params, layers):
    s, state = trained(dataset, params, layers)
    (tmp_path / "model.py").write_bytes(export("r" * 12, None, s, state, "pytorch").content)
    (tmp_path / "model.pt").write_bytes(export("r" * 12, None, s, state, "state_dict").content)
    engine = SequenceKind(s, "cpu", False)
    engine.model.load_state_dict({k: torch.from_numpy(decode(v).copy()).to(engine.model.state_dict()[k].dtype)
                                  for k, v in state.items()}, strict=True)
    engine.model.eval()
    torch.save({"x": engine.x_test, "y": engine.y_test, "decoding": engine.model.decoding}, tmp_path / "data.pt")
    done = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True, cwd=tmp_path, timeout=120,
                          env={**os.environ, "OMP_NUM_THREADS": "1"})  # a fresh interpreter: only torch
    assert done.returncode == 0, done.stderr
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


def test_a_sequence_runs_training_script_is_not_there_yet():
    s, state = trained(*CASES[3])
    with pytest.raises(NotExportable, match="format=script is not available for sequence runs"):
        export("r" * 12, None, s, state, "script")


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
