"""The inputs and answers of a network trained on an uploaded dataset (data.table), as exported code.

Its inputs are the dataset's feature columns standardised as the run standardised them (kinds/points/table.py:
the training split's mean subtracted, divided by its standard deviation), so the export writes down those
statistics, exactly (a float's repr reads back as the same float), and features() applies them with the same
float64 operations: the same rows give the same bits. Its answers are the dataset's own labels (CLASSES), or a
regression target in the file's units (the run trained on targets scaled onto [-1, 1]; predict() scales back).
"""
from __future__ import annotations

import textwrap

from ..kinds.points.table import standardised

EXAMPLE_ROWS = 2  # rows of the dataset shown in the exported module's docstring


def usage(data) -> str:
    """The docstring's example: the answers for a few of the dataset's own rows."""
    if data.table.rows_withheld:  # not the run owner's to read: the example is the columns' means
        answers = "predict(model(features([MEANS])))"
    else:
        rows = ", ".join("[" + ", ".join(f"{v:.6g}" for v in row) + "]" for row in data.table.x[:EXAMPLE_ROWS])
        answers = f"predict(model(features([{rows}])))"
    if data.table.task == "classification":
        return f"answers = [CLASSES[i] for i in {answers}]"
    return f"answers = {answers}"


def inputs_code(data, activated: str, output_note: str, predict_body: str) -> tuple[tuple[str, str], str, str]:
    """((the constants, features()), OUTPUT's note, predict()'s body) of a network on data.table; `activated` is
    the code of its activated output (points.OUTPUT_CODE), a regression's scaled answer."""
    table = data.table
    how = standardised(table, data.test_fraction, data.seed)
    constants = f'''# The network's inputs: these columns of the uploaded dataset {data.dataset!r}, in this order, each
# standardised by features() below with the mean and standard deviation of the run's training split
# (SCALES is 1.0 for a column that was constant there).
FEATURES = {list(table.columns)!r}
MEANS = {how.mean.tolist()!r}
SCALES = {how.scale.tolist()!r}
# The column the network predicts.
TARGET = {table.target!r}'''
    if table.task == "classification":
        constants += ("\n# The labels, class i being CLASSES[i]: predict() answers indices into it.\n"
                      f"CLASSES = {table.classes!r}")
    else:
        lo, hi = how.target_range
        constants += ("\n# The targets' range: the network was trained on targets scaled onto [-1, 1] (the smallest "
                      "-1, the largest 1);\n# predict() answers in the column's own units.\n"
                      f"TARGET_RANGE = {[lo, hi]!r}")
        output_note = (f"One output: {activated} is the target scaled onto [-1, 1]; predict() maps it back onto "
                       "TARGET_RANGE.")
        predict_body = (f'    """(N, 1) outputs -> (N,) predicted values of {table.target}, in its own units."""\n'
                        f"    scaled = {activated}[:, 0]\n"
                        "    lo, hi = TARGET_RANGE\n"
                        "    return lo + (scaled + 1) / 2 * ((hi - lo) if hi > lo else 1.0)\n")
    n = len(table.columns)
    features = f'''def features(rows) -> torch.Tensor:
    """(N, {n}) rows of the columns FEATURES, in their units -> (N, {n}) network inputs, float32."""
    rows = np.asarray(rows, dtype=np.float64)
    return torch.from_numpy(((rows - np.array(MEANS)) / np.array(SCALES)).astype(np.float32))
'''
    return (constants, features), output_note, predict_body


def script_data_code(data) -> tuple[str, str, str]:
    """(the dataset's rows, read_csv() and make_data(); main()'s parameters; the `__main__` block) of a training
    script: the rows are written in (the upload was at most a request's size), and `--csv PATH` trains on a file
    instead, read as the playground reads an upload; make_data() standardises as the run did."""
    table = data.table
    rows = "".join(f"    {list(row)!r},\n" for row in table.x)
    targets = textwrap.fill(repr(list(table.y)), 116, initial_indent="    ", subsequent_indent="     ")
    embedded = f"ROWS = [\n{rows}]\nTARGETS = (\n{targets}\n)"
    if table.rows_withheld:  # an assignment's dataset: the student trains on it, the instructor keeps the file
        embedded = ("# The rows are the assignment's dataset, not yours to read: run this script with --csv PATH (the\n"
                    "# file your instructor gives you) to train again.\nROWS = TARGETS = None")
    if table.task == "classification":
        target_of = ('float(CLASSES.index(label)) if label in CLASSES '
                     'else bad(line, f"{label!r} is not one of {CLASSES}")')
        per_row = "class index (CLASSES)"
        scale, kept = "", "MEANS, SCALES"
    else:
        target_of, per_row = "float(label)", "target"
        kept = "MEANS, SCALES, TARGET_RANGE"
        scale = '''    TARGET_RANGE = [float(y.min()), float(y.max())]
    lo, hi = TARGET_RANGE
    y = 2 * (y - lo) / (hi - lo if hi > lo else 1.0) - 1  # onto [-1, 1], as the run's targets
'''
    code = f'''# The uploaded dataset's rows, in the file's order: the values of FEATURES, and per row its {per_row}.
{embedded}
TEST_FRACTION, DATA_SEED = {data.test_fraction!r}, {data.seed!r}  # the split, and the shuffle's seed


def bad(line, why):
    raise SystemExit(f"line {{line}}: {{why}}")


def read_csv(path):
    """(rows, targets) of a CSV file with the columns FEATURES and TARGET (any others are left out), read as the
    playground reads an upload: the first of , ; or tab on line 1 separates, blank lines are skipped."""
    import csv
    import io

    with open(path, encoding="utf-8-sig", newline="") as file:
        text = file.read()
    delimiter = next((d for d in ",;\\t" if d in text.split("\\n", 1)[0]), ",")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    lines = [(reader.line_num, [v.strip() for v in values]) for values in reader if any(v.strip() for v in values)]
    header = lines[0][1]
    missing = [name for name in (*FEATURES, TARGET) if name not in header]
    if missing:
        bad(1, f"no column {{', '.join(missing)}}")
    at, t = [header.index(name) for name in FEATURES], header.index(TARGET)
    rows, targets = [], []
    for line, values in lines[1:]:
        rows.append([float(values[i]) for i in at])
        label = values[t]
        targets.append({target_of})
    return rows, targets


def make_data(csv=None):
    """The rows (ROWS, or a CSV file's) shuffled, split into (train, test) pairs of (rows, targets), and
    standardised by the training split's statistics, which become {kept} (for the embedded rows,
    the run's own)."""
    global {kept}
    if not csv and ROWS is None:
        raise SystemExit("the rows are not in this script: give the CSV file with --csv PATH")
    rows, targets = read_csv(csv) if csv else (ROWS, TARGETS)
    x, y = np.asarray(rows, dtype=np.float64), np.asarray(targets, dtype=np.float64)
    order = np.random.default_rng(DATA_SEED).permutation(len(x))
    x, y = x[order], y[order]
    n_train = len(x) - int(round(len(x) * TEST_FRACTION))
    std = x[:n_train].std(axis=0)
    MEANS, SCALES = x[:n_train].mean(axis=0).tolist(), np.where(std > 0, std, 1.0).tolist()
{scale}    labels = y.astype(np.float32)
    return (x[:n_train], labels[:n_train]), (x[n_train:], labels[n_train:])'''
    main_call = f'''    import argparse

    parser = argparse.ArgumentParser(description="Train the network again on the rows above, or on a CSV file.")
    parser.add_argument("--csv", help="a CSV file with the columns {', '.join(table.columns)} and {table.target} "
                        "to train on instead (its own means and deviations standardise it)")
    csv = parser.parse_args().csv
    main(csv)
    if csv:  # that file's statistics: features() and predict() of the exported model need them in place of the run's
        {"; ".join(f'print("{name} =", {name})' for name in kept.split(", "))}'''
    return code, "csv=None", main_call
