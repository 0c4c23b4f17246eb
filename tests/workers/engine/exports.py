"""Helpers of the export tests (test_export*.py): a run trained alone, its exported code and weights loaded, and
its training script run in a fresh interpreter."""
from __future__ import annotations

import io
import os
import subprocess
import sys

import torch

from tests.workers.engine.helpers import final, of, run
from workers.engine.export import export


def namespace(source: str) -> dict:
    found: dict = {}
    exec(compile(source, "<exported>", "exec"), found)
    return found


def trained(s):
    """The succeeded run's events and the state of its final weights."""
    events = run(s)
    assert final(events)["status"] == "succeeded"
    return events, of(events, "final_weights")[-1]["data"]["state"]


def kept_weights(s, state) -> dict:
    """The run's weights as format=state_dict exports them."""
    return torch.load(io.BytesIO(export("r" * 12, None, s, state, "state_dict").content))


def exported_network(s, state):
    """(the exported module's names, its build_model() holding the exported weights, in evaluation mode)."""
    code = namespace(export("r" * 12, None, s, state, "pytorch").content.decode())
    network = code["build_model"]()
    network.load_state_dict(kept_weights(s, state))
    return code, network.eval()


def run_script(tmp_path, s, state, *arguments: str) -> tuple[list[str], dict]:
    """The run's training script (train.py in tmp_path), run with `arguments` in a fresh interpreter on one thread,
    as the tests train (conftest.one_thread): (the lines it printed, the weights it saved)."""
    (tmp_path / "train.py").write_bytes(export("r" * 12, None, s, state, "script").content)
    done = subprocess.run([sys.executable, "train.py", *arguments], capture_output=True, text=True, cwd=tmp_path,
                          timeout=120, env={**os.environ, "OMP_NUM_THREADS": "1"})
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines(), torch.load(tmp_path / "model.pt")


def assert_same_weights(s, state, trained_again) -> None:
    kept = kept_weights(s, state)
    assert trained_again.keys() == kept.keys()
    assert [key for key in kept if not torch.equal(trained_again[key], kept[key])] == []  # bit for bit
