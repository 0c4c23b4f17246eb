"""schemathesis against a real server's own OpenAPI document, every check: no 500, no answer outside the schema
(a status code its entry does not list, a body that breaks its schema), no schema-valid request refused but with
a 422 naming the field (schemathesis.toml says why), a 405's Allow naming every method.

Bounded to fit `make test` (about a minute on 2 cores): the coverage phase (boundary values: the huge integers,
the empty and overlong strings) over the operations without a body, then a fixed number of fuzzed and stateful
cases over all of them, with a fixed seed. The longer run is in docs/hardening.md. The server's limits are
small so the runs the fuzzer submits are cheap to train.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import Server

CONFIG = Path(__file__).with_name("schemathesis.toml")
SCHEMATHESIS = Path(sys.executable).with_name("st")
SEED = 16
CHEAP_RUNS = {"PLAYGROUND_MAX_EPOCHS": "3", "PLAYGROUND_MAX_SAMPLES": "100", "PLAYGROUND_MAX_ACTIVE_RUNS_PER_USER": "2",
              "PLAYGROUND_MAX_CONCURRENT_RUNS": "1"}


@pytest.fixture(scope="module")
def fuzzed_server(tmp_path_factory):
    server = Server(tmp_path_factory.mktemp("fuzzed"), **CHEAP_RUNS).start()
    yield server
    server.stop()


def schemathesis(server: Server, folder: Path, *arguments: str) -> None:
    """Run in `folder`, where schemathesis keeps its cache of examples and crashes: a run replays nothing from
    an earlier one, and the checkout stays clean."""
    command = [str(SCHEMATHESIS), "--config-file", str(CONFIG), "--no-color", "run",
               f"{server.base_url}/openapi.json", "--checks", "all", "--seed", str(SEED), "--workers", "2",
               "--continue-on-failure", "--suppress-health-check", "all", *arguments]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, cwd=folder)
    assert done.returncode == 0, done.stdout[-20000:] + done.stderr[-5000:]


def test_every_query_and_path_boundary_is_answered_within_the_schema(fuzzed_server, tmp_path):
    schemathesis(fuzzed_server, tmp_path, "--phases", "coverage",
                 "--include-method", "GET", "--include-method", "DELETE")


def test_fuzzed_and_stateful_requests_get_no_500_and_no_answer_outside_the_schema(fuzzed_server, tmp_path):
    schemathesis(fuzzed_server, tmp_path, "--phases", "examples,fuzzing,stateful", "--max-examples", "25")
