"""`playground submit / runs / watch / export` as a user types them, against a real server, and the Python API."""
from __future__ import annotations

import io
import json
import os
import subprocess
import sys

import pytest

from playground_client import ApiError, Client
from playground_client.cli import EXIT_CANCELLED, EXIT_REFUSED, EXIT_SUCCEEDED
from playground_client.progress import Progress, describe
from tests.classroom import join, new_class, new_instructor
from tests.support import ROOT

TINY = {"data": {"dataset": "xor", "n_samples": 60}, "model": {"layers": [{"type": "dense", "units": 3}]},
        "train": {"epochs": 4, "seed": 3}, "stream": {"max_fps": 5}}
LONG = {**TINY, "train": {"epochs": 100000}}


def playground(*args: str, server=None, stdin: str | None = None,
               token: str | None = None) -> subprocess.CompletedProcess:
    """The command in a fresh interpreter, as `playground ...` runs it (backend/cli.py's main)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), **({"PLAYGROUND_SERVER": server.base_url} if server else {})}
    env.pop("PLAYGROUND_TOKEN", None)
    if token:
        env["PLAYGROUND_TOKEN"] = token
    return subprocess.run([sys.executable, "-m", "backend.cli", *args], cwd=ROOT, env=env, input=stdin,
                          capture_output=True, text=True, timeout=240)


@pytest.fixture
def spec_file(tmp_path):
    def write(spec: dict, name: str = "spec.json"):
        path = tmp_path / name
        path.write_text(json.dumps(spec))
        return str(path)
    return write


def test_submit_watch_prints_the_id_a_progress_bar_and_the_summary(live_server, api, spec_file):
    done = playground("submit", spec_file(TINY), "--watch", "--name", "from the cli", server=live_server)
    assert done.returncode == EXIT_SUCCEEDED, done.stderr
    run_id = done.stdout.splitlines()[0]
    run = api.run(run_id)
    assert run["status"] == "succeeded" and run["name"] == "from the cli"
    assert f"run {run_id} succeeded" in done.stdout and "test_accuracy:" in done.stdout
    assert "epoch 4/4" in done.stderr and "train " in done.stderr and "acc " in done.stderr  # the bar, on stderr


def test_submit_json_is_the_final_run_for_scripts(live_server, spec_file):
    done = playground("submit", spec_file(TINY), "--watch", "--json", "--quiet", "--server", live_server.base_url)
    assert done.returncode == EXIT_SUCCEEDED, done.stderr
    run = json.loads(done.stdout)
    assert run["status"] == "succeeded" and run["summary"]["epochs"] == 4 and "test_accuracy" in run["summary"]
    assert done.stderr == ""  # --quiet: no bar

    queued = playground("submit", "-", "--json", stdin=json.dumps(TINY), server=live_server)
    assert queued.returncode == EXIT_SUCCEEDED, queued.stderr
    assert json.loads(queued.stdout)["status"] in ("queued", "running", "succeeded")


def test_an_invalid_spec_is_refused_naming_each_field(live_server, spec_file):
    bad = {**TINY, "data": {"dataset": "xor", "n_samples": 2}, "train": {"epochs": 0}}
    done = playground("submit", spec_file(bad), "--watch", server=live_server)
    assert done.returncode == EXIT_REFUSED
    assert "spec.data.n_samples:" in done.stderr and "spec.train.epochs:" in done.stderr
    assert "greater than or equal to 1" in done.stderr and done.stdout == ""
    missing = playground("submit", "no-such-file.json", server=live_server)
    assert missing.returncode == EXIT_REFUSED and "no spec file" in missing.stderr


def test_runs_lists_them_as_a_table_and_as_json(live_server, api):
    run = api.submit(TINY, name="listed")
    table = playground("runs", server=live_server)
    assert table.returncode == 0 and run["id"] in table.stdout and "listed" in table.stdout
    listed = json.loads(playground("runs", "--json", server=live_server).stdout)
    assert run["id"] in {r["id"] for r in listed}


def test_watch_of_a_stopped_run_exits_with_the_cancelled_status(live_server, api):
    run = api.submit(LONG)
    assert api.control(run["id"], "stop").status_code == 202
    done = playground("watch", run["id"], server=live_server)
    assert done.returncode == EXIT_CANCELLED, done.stderr
    assert f"run {run['id']} cancelled" in done.stdout
    unknown = playground("watch", "no-such-run", server=live_server)
    assert unknown.returncode == EXIT_REFUSED and "no run no-such-run" in unknown.stderr


def test_export_of_an_unknown_run_is_a_clean_refusal(live_server, tmp_path):
    done = playground("export", "no-such-run", "--format", "pytorch", "-o", str(tmp_path / "m.py"), server=live_server)
    assert done.returncode == EXIT_REFUSED and "404" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "m.py").exists()


def test_an_unreachable_server_is_said_so(tmp_path):
    done = playground("runs", "--server", "http://127.0.0.1:9")
    assert done.returncode == 5 and "cannot reach http://127.0.0.1:9" in done.stderr


def test_with_accounts_the_token_signs_in_and_isolates(accounts_server, spec_file):
    teacher = new_instructor(accounts_server)
    code = new_class(teacher)["join_code"]
    ada, bob = join(accounts_server, code, "Ada"), join(accounts_server, code, "Bob")
    done = playground("submit", spec_file(TINY), "--watch", server=accounts_server, token=ada.token)
    assert done.returncode == EXIT_SUCCEEDED, done.stderr
    run_id = done.stdout.splitlines()[0]
    assert ada.run(run_id)["status"] == "succeeded"
    anonymous = playground("runs", server=accounts_server)
    assert anonymous.returncode == EXIT_REFUSED and "401" in anonymous.stderr and "sign in" in anonymous.stderr
    other = playground("watch", run_id, "--token", bob.token, server=accounts_server)
    assert other.returncode == EXIT_REFUSED and f"no run {run_id}" in other.stderr  # Bob cannot reach Ada's run


NO_TORCH = """
import sys
import playground_client
from backend.cli import main
for argv in (["runs", "--help"], ["runs", "--json", "--server", sys.argv[1]], ["submit", "--help"]):
    try:
        main(argv)
    except SystemExit as end:
        assert not end.code, (argv, end.code)
heavy = sorted(m for m in sys.modules if m.split(".")[0] in ("torch", "numpy", "workers", "fastapi", "sqlalchemy"))
print("HEAVY", heavy)
"""


def test_the_client_and_its_commands_import_no_torch(live_server):
    done = subprocess.run([sys.executable, "-c", NO_TORCH, live_server.base_url], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr
    assert "HEAVY []" in done.stdout


def test_the_python_api_submits_and_watches_to_the_end(live_server):
    seen = []
    with Client(live_server.base_url) as client:
        run = client.submit(TINY, name="from python").watch(progress=seen.append)
        assert run.succeeded and run.summary["epochs"] == 4 and run.name == "from python"
        assert [e["seq"] for e in seen] == list(range(1, len(seen) + 1))  # every event, in order
        assert seen[-1]["data"]["status"] == "succeeded"
        assert run.id in {r.id for r in client.runs()}
        with pytest.raises(ApiError) as refused:
            client.submit({"data": {"dataset": "no-such-set"}})
        assert refused.value.status == 422 and refused.value.problems[0][0].startswith("spec.data")


def test_the_progress_bar_reads_the_events():
    out = io.StringIO()  # not a terminal: a line per tenth of the run, and the last state
    bar = Progress("abcdef123456", 10, stream=out)
    bar.update({"type": "status", "data": {"status": "running"}})
    for epoch in range(1, 11):
        bar.update({"type": "metrics", "epoch": float(epoch),
                    "data": {"train_loss": 1 / epoch, "test_loss": 2 / epoch, "test_accuracy": epoch / 10}})
    bar.update({"type": "status", "data": {"status": "succeeded"}})
    bar.close()
    lines = out.getvalue().splitlines()
    assert lines[-1] == "run abcdef12  [########################] epoch 10/10  train 0.1  test 0.2  acc 1  succeeded"
    assert any("epoch 5/10" in line for line in lines)
    assert describe("r", None, {"epoch": 2.5}) == "run r  epoch 2.5  queued"
