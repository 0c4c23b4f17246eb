"""Helpers of the export tests (test_export*.py): a run trained alone, its exported code and weights loaded, and
its training script run, in a fresh interpreter or in this one."""
from __future__ import annotations

import contextlib
import io
import os
import runpy
import subprocess
import sys
from unittest.mock import patch

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


def run_script(tmp_path, s, state, *arguments: str, fresh: bool = True) -> tuple[list[str], dict]:
    """The run's training script (train.py in tmp_path), run with `arguments` (see run_file): (the lines it
    printed, the weights it saved)."""
    (tmp_path / "train.py").write_bytes(export("r" * 12, None, s, state, "script").content)
    return run_file(tmp_path, "train.py", *arguments, fresh=fresh), torch.load(tmp_path / "model.pt")


def run_file(tmp_path, name: str, *arguments: str, fresh: bool = True) -> list[str]:
    """The lines the Python file `name` in tmp_path prints, run there with `arguments` on one thread, as the tests
    train (conftest.one_thread). `fresh`: in a new interpreter, which proves the exported code needs nothing but
    torch and numpy; each kind's tests do that once. Otherwise in this interpreter, as `__main__`: the same code,
    without a process's start and torch's import (seconds each, make test's budget)."""
    if fresh:
        done = subprocess.run([sys.executable, name, *arguments], capture_output=True, text=True, cwd=tmp_path,
                              timeout=120, env={**os.environ, "OMP_NUM_THREADS": "1"})
        assert done.returncode == 0, done.stderr
        return done.stdout.strip().splitlines()
    out = io.StringIO()
    with contextlib.chdir(tmp_path), contextlib.redirect_stdout(out), patch.object(sys, "argv", [name, *arguments]):
        runpy.run_path(name, run_name="__main__")
    return out.getvalue().strip().splitlines()


def assert_same_weights(s, state, trained_again) -> None:
    kept = kept_weights(s, state)
    assert trained_again.keys() == kept.keys()
    assert [key for key in kept if not torch.equal(trained_again[key], kept[key])] == []  # bit for bit
