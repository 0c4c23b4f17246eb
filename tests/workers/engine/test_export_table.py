"""workers/engine/export on a run trained on an uploaded dataset (data.table): the exported features() standardise
the file's own rows into the run's inputs bit for bit, the code and weights compute the engine's outputs, the
answers are the file's labels or targets in its units, and the training script (on its embedded rows, or on the
CSV file itself with --csv) trains the run again exactly."""
from __future__ import annotations

import subprocess
import sys

import numpy as np
import onnx
import pytest
import torch

from tests.workers.engine.exports import assert_same_weights, exported_network, namespace, run_script, trained
from tests.workers.engine.helpers import final, spec
from workers.engine.events import decode
from workers.engine.export import export
from workers.engine.kinds.points.kind import PointsKind
from workers.engine.kinds.points.table import standardised

# Columns in very different units, as uploads have them.
ROWS = np.random.default_rng(3).normal([5.0, 100.0, 0.01], [1.0, 30.0, 0.005], (48, 3))
LABELS = ["small", "large"]


def table(task: str) -> dict:
    base = {"columns": ["length", "weight", "depth"], "target": "kind", "task": task, "x": ROWS.tolist()}
    if task == "classification":
        return {**base, "classes": LABELS, "y": (ROWS[:, 0] + ROWS[:, 1] / 30 > 8.3).astype(float).tolist()}
    return {**base, "y": (3 * ROWS[:, 0] - ROWS[:, 1] / 50).tolist()}


def table_spec(task: str, **model):
    return spec(data={"dataset": "mine", "n_samples": 48, "test_fraction": 0.25, "seed": 7, "table": table(task)},
                model={"layers": [{"units": 4, "activation": "relu", "batchnorm": True}, {"units": 3}], **model},
                train={"epochs": 3, "batch_size": 8, "seed": 2})


def test_the_columns_statistics_and_labels_are_written_down():
    s = table_spec("classification")
    exported = namespace(export("r" * 12, None, s, None, "pytorch").content.decode())
    how = standardised(s.data.table, 0.25, 7)
    assert exported["FEATURES"] == ["length", "weight", "depth"] and exported["TARGET"] == "kind"
    assert exported["MEANS"] == how.mean.tolist() and exported["SCALES"] == how.scale.tolist()
    assert exported["CLASSES"] == LABELS


@pytest.mark.parametrize("task", ["classification", "regression"])
def test_code_and_weights_answer_what_the_run_answers(task):
    s = table_spec(task)
    _, state = trained(s)
    exported, network = exported_network(s, state)
    engine = PointsKind(s, "cpu", False)
    engine.model.load_state_dict({k: torch.from_numpy(decode(v).copy()) for k, v in state.items()})
    engine.model.eval()
    how = standardised(s.data.table, 0.25, 7)
    test_rows = ROWS[how.order[how.n_train:]]  # the file's own rows of the run's test split
    with torch.no_grad():
        inputs = exported["features"](test_rows)
        assert torch.equal(inputs, engine.x_test)  # the same standardisation, bit for bit
        output, expected = network(inputs), engine.model(engine.x_test)
    assert torch.equal(output, expected)
    answers = exported["predict"](output)
    if task == "classification":
        assert torch.equal(answers, engine.head.predict(expected))
        assert (answers == engine.labels_test.long()).float().mean().item() == engine.evaluate()["test_accuracy"]
    else:  # in the target's own units: the scaling undone
        lo, hi = how.target_range
        assert torch.allclose(answers, lo + (engine.head.score(expected) + 1) / 2 * (hi - lo))
        truth = torch.tensor(table(task)["y"])[how.order[how.n_train:]]
        assert float((answers - truth).abs().mean()) < float((truth - truth.mean()).abs().mean())  # it learned
    graph = onnx.load_from_string(export("r" * 12, None, s, state, "onnx").content)
    onnx.checker.check_model(graph)
    dims = [d.dim_param or d.dim_value for d in graph.graph.input[0].type.tensor_type.shape.dim]
    assert graph.graph.input[0].name == "features" and dims == ["batch", 3]


def csv_text(task: str) -> str:
    """The upload the table came from: its columns in another order, the target first, labels as text."""
    t = table(task)
    lines = ["kind;depth;length;weight"]
    for row, y in zip(t["x"], t["y"]):
        label = LABELS[int(y)] if task == "classification" else repr(y)
        lines.append(f"{label};{row[2]!r};{row[0]!r};{row[1]!r}")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("task", ["classification", "regression"])
def test_the_script_trains_the_run_again_from_its_rows_or_from_the_csv(tmp_path, task):
    s = table_spec(task)
    events, state = trained(s)
    (tmp_path / "data.csv").write_text(csv_text(task))
    summary = final(events)["summary"]
    for arguments in ([], ["--csv", "data.csv"]):
        fresh = task == "classification" and not arguments  # once in a fresh interpreter (exports.run_file)
        lines, trained_again = run_script(tmp_path, s, state, *arguments, fresh=fresh)
        epoch_lines = [line for line in lines if line.startswith("epoch")]
        assert len(epoch_lines) == 3
        assert f"'loss': {summary['test_loss']!r}" in epoch_lines[-1]
        assert_same_weights(s, state, trained_again)
        if arguments:  # the file's statistics are printed, for features(): the same as the run's here
            assert f"MEANS = {standardised(s.data.table, 0.25, 7).mean.tolist()}" in lines


def test_the_script_names_a_csv_that_lacks_a_column(tmp_path):
    s = table_spec("classification")
    (tmp_path / "train.py").write_bytes(export("r" * 12, None, s, None, "script").content)
    (tmp_path / "bad.csv").write_text("length,weight,kind\n1,2,small\n3,4,large\n5,6,small\n7,8,large\n")
    done = subprocess.run([sys.executable, "train.py", "--csv", "bad.csv"], capture_output=True, text=True,
                          cwd=tmp_path, timeout=120)
    assert done.returncode != 0 and "line 1: no column depth" in done.stderr


def test_an_assignments_withheld_rows_stay_out_of_the_export(tmp_path):
    """A student's run on their instructor's dataset (rows_withheld): the model file keeps the statistics and
    labels it needs, but no row; the script trains again only from the CSV file, and then exactly."""
    s = table_spec("classification")
    withheld = s.model_copy(update={"data": s.data.model_copy(update={
        "table": s.data.table.model_copy(update={"rows_withheld": True})})})
    events, state = trained(withheld)
    code = export("r" * 12, None, withheld, state, "pytorch").content.decode()
    script = export("r" * 12, None, withheld, state, "script").content.decode()
    for row in ROWS[:3]:
        assert repr(float(row[1])) not in script and f"{row[1]:.6g}" not in code
    assert "ROWS = TARGETS = None" in script and "MEANS = " in code
    (tmp_path / "train.py").write_text(script)
    refused = subprocess.run([sys.executable, "train.py"], capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert refused.returncode != 0 and "--csv PATH" in refused.stderr
    (tmp_path / "data.csv").write_text(csv_text("classification"))
    _, trained_again = run_script(tmp_path, withheld, state, "--csv", "data.csv", fresh=False)
    assert_same_weights(withheld, state, trained_again)


def test_a_constant_column_is_divided_by_one_as_the_run_divides_it():
    t = table("regression")
    t["x"] = [[*row[:2], 4.0] for row in t["x"]]  # depth constant: its deviation is 0
    s = spec(data={"dataset": "mine", "n_samples": 48, "test_fraction": 0.25, "seed": 7, "table": t})
    exported = namespace(export("r" * 12, None, s, None, "pytorch").content.decode())
    assert exported["SCALES"][2] == 1.0
    engine = PointsKind(s, "cpu", False)
    how = standardised(s.data.table, 0.25, 7)
    rows = np.asarray(t["x"])[how.order[:how.n_train]]
    assert torch.equal(exported["features"](rows), engine.x)
