"""The install fits the machine: the Makefile picks torch's CPU or CUDA build, and the runtime image
gets the runtime dependencies only.

`make torch-build` prints what `make install` would install; a stand-in `nvidia-smi` first on PATH
plays a machine with a GPU (it lists one) or without (it fails, as it does with no driver).
"""
from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CPU_INDEX = "https://download.pytorch.org/whl/cpu"


def requirement_names(path: Path) -> list[str]:
    lines = (line.split("#")[0].strip() for line in path.read_text().splitlines())
    return [re.split(r"[\[=<>~!]", line)[0].lower() for line in lines if line]


def torch_build(tmp_path: Path, gpu: bool, *make_args: str) -> subprocess.CompletedProcess:
    smi = tmp_path / "nvidia-smi"
    smi.write_text("#!/bin/sh\necho 'GPU 0: NVIDIA H200'\n" if gpu else "#!/bin/sh\nexit 9\n")
    smi.chmod(0o755)
    env = {**os.environ, "PATH": f"{tmp_path}:{os.environ['PATH']}"}
    env.pop("TORCH", None)
    env.pop("TORCH_INDEX_URL", None)
    return subprocess.run(["make", "-s", "torch-build", *make_args], cwd=ROOT, env=env, capture_output=True, text=True)


def test_a_machine_without_a_gpu_gets_the_cpu_build(tmp_path):
    done = torch_build(tmp_path, gpu=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["cpu", "torch==2.13.0", "from", CPU_INDEX]


def test_a_machine_with_a_gpu_gets_the_cuda_build(tmp_path):
    done = torch_build(tmp_path, gpu=True)
    assert done.stdout.split()[0] == "cuda"
    assert CPU_INDEX not in done.stdout


@pytest.mark.parametrize(
    ("gpu", "args", "expected"),
    [
        (True, ["TORCH=cpu"], f"cpu torch==2.13.0 from {CPU_INDEX}"),
        (False, ["TORCH=cuda"], "cuda torch==2.13.0 from https://pypi.org/simple"),
        (True, ["TORCH_INDEX_URL=https://download.pytorch.org/whl/cu130"], "https://download.pytorch.org/whl/cu130"),
    ],
)
def test_the_choice_is_overridable(tmp_path, gpu, args, expected):
    assert expected in torch_build(tmp_path, gpu, *args).stdout


def test_an_unknown_build_is_refused_by_name(tmp_path):
    done = torch_build(tmp_path, False, "TORCH=gpu")
    assert done.returncode != 0
    assert 'TORCH is cpu, cuda or auto, not "gpu"' in done.stderr


def test_runtime_requirements_are_pinned_torch_first_and_hold_no_test_tools():
    runtime = (ROOT / "requirements.txt").read_text()
    pins = [line.split("#")[0].strip() for line in runtime.splitlines() if line.split("#")[0].strip()]
    assert pins[0] == "torch==2.13.0"
    assert all("==" in pin for pin in pins), pins
    tools = set(requirement_names(ROOT / "requirements-test.txt"))
    assert tools and not tools & set(requirement_names(ROOT / "requirements.txt"))


def test_the_runtime_image_installs_no_test_tools():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "requirements.txt" in dockerfile
    assert "requirements-test.txt" not in dockerfile
