"""docker-compose.yml and the Dockerfile agree with the code: the CLI, the settings, the ports.

No Docker engine is needed: the files are read, and each `playground ...` command is parsed with
the real CLI parser.
"""
from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest
import yaml

from backend.cli import build_parser
from backend.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
COMPOSE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
CPU_INDEX = "https://download.pytorch.org/whl/cpu"
SETTINGS_VARS = {f"PLAYGROUND_{name.upper()}": name for name in Settings.model_fields}


def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


def services() -> dict[str, dict]:
    return compose()["services"]


def command(service: dict) -> list[str]:
    cmd = service.get("command", [])
    return shlex.split(cmd) if isinstance(cmd, str) else [str(part) for part in cmd]


def environment(service: dict) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {str(key): "" if value is None else str(value) for key, value in env.items()}


def playground_services() -> dict[str, dict]:
    return {name: s for name, s in services().items() if command(s)[:1] == ["playground"]}


def parse(service: dict):
    try:
        return build_parser().parse_args(command(service)[1:])
    except SystemExit as exc:  # argparse exits on an unknown option or a bad value
        pytest.fail(f"`{' '.join(command(service))}` is not a valid playground command ({exc})")


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) in order, continuation lines joined and comments dropped."""
    instructions, pending = [], ""
    for line in DOCKERFILE.read_text().splitlines():
        stripped = line.strip()
        if not pending and (not stripped or stripped.startswith("#")):
            continue
        if stripped.startswith("#"):  # a comment inside a continued instruction
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        whole = pending + stripped
        pending = ""
        keyword, _, rest = whole.partition(" ")
        instructions.append((keyword.upper(), rest.strip()))
    return instructions


def final_stage() -> list[tuple[str, str]]:
    instructions = dockerfile_instructions()
    last_from = max(i for i, (keyword, _) in enumerate(instructions) if keyword == "FROM")
    return instructions[last_from:]


# --- compose: the playground commands and their environment -----------------------------------


def test_there_are_playground_services():
    names = playground_services()
    assert "api" in names and "worker" in names


@pytest.mark.parametrize("name", sorted(playground_services()))
def test_command_parses_with_the_real_cli(name):
    args = parse(services()[name])
    assert args.command in {"serve", "worker"}


@pytest.mark.parametrize("name", sorted(playground_services()))
def test_environment_names_only_settings(name):
    env = environment(services()[name])
    unknown = sorted(key for key in env if key.startswith("PLAYGROUND_") and key not in SETTINGS_VARS)
    assert not unknown, f"{name}: not fields of backend.settings.Settings: {unknown}"
    # and the values are ones Settings accepts (compose's ${...} interpolations are left out)
    values = {SETTINGS_VARS[k]: v for k, v in env.items() if k in SETTINGS_VARS and "${" not in v}
    Settings(_env_file=None, **values)


@pytest.mark.parametrize("name", sorted(playground_services()))
def test_worker_environment_names_only_worker_settings(name):
    """A worker reads its own settings: a server-only variable there would be silently ignored."""
    service = services()[name]
    if parse(service).command != "worker":
        return
    from workers.config import WorkerSettings

    known = {f"PLAYGROUND_{field.upper()}" for field in WorkerSettings.model_fields}
    unread = sorted(k for k in environment(service) if k.startswith("PLAYGROUND_") and k not in known)
    assert not unread, f"{name}: a worker does not read {unread}"


@pytest.mark.parametrize("name", sorted(playground_services()))
def test_every_playground_service_has_redis(name):
    assert environment(services()[name]).get("PLAYGROUND_REDIS_URL", "").startswith("redis://redis:")


def test_dockerfile_env_names_only_settings():
    for keyword, rest in final_stage():
        if keyword == "ENV":
            names = re.findall(r"(PLAYGROUND_\w+)=", rest)
            assert set(names) <= set(SETTINGS_VARS), names


# --- compose: the api ---------------------------------------------------------------------------


def test_api_serves_on_all_interfaces_on_its_published_port():
    api = services()["api"]
    args = parse(api)
    assert args.command == "serve"
    assert args.host == "0.0.0.0"
    container_ports = {str(p).rsplit(":", 1)[-1].split("/")[0] for p in api["ports"]}
    assert str(args.port) in container_ports
    assert "8000:8000" in [str(p) for p in api["ports"]]


def test_api_uses_postgres_and_redis_once_healthy():
    api = services()["api"]
    env = environment(api)
    assert env["PLAYGROUND_DATABASE_URL"].startswith("postgresql+psycopg://")
    assert "@postgres:5432/" in env["PLAYGROUND_DATABASE_URL"]
    assert api["depends_on"]["redis"]["condition"] == "service_healthy"
    assert api["depends_on"]["postgres"]["condition"] == "service_healthy"


def test_api_healthcheck_asks_the_health_endpoint_on_the_serve_port():
    api = services()["api"]
    test = " ".join(map(str, api["healthcheck"]["test"]))
    assert f"127.0.0.1:{parse(api).port}/api/v1/health" in test


# --- compose: the workers -----------------------------------------------------------------------


def test_worker_has_a_gpu_and_takes_the_gpu_queue():
    worker = services()["worker"]
    args = parse(worker)
    assert args.command == "worker"
    assert "gpu" in args.queues.split(",")
    assert set(args.queues.split(",")) <= {"cpu", "gpu"}
    devices = worker["deploy"]["resources"]["reservations"]["devices"]
    assert any(d.get("driver") == "nvidia" and "gpu" in d.get("capabilities", []) for d in devices)
    assert worker["depends_on"]["redis"]["condition"] == "service_healthy"


def test_worker_image_has_cuda_torch():
    args = services()["worker"]["build"]["args"]
    assert "TORCH_INDEX_URL" in args and args["TORCH_INDEX_URL"] != CPU_INDEX
    assert services()["worker"]["image"] != services()["api"]["image"]


@pytest.mark.parametrize("name", sorted(playground_services()))
def test_queues_are_known(name):
    args = parse(services()[name])
    if args.command == "worker":
        assert args.queues and set(args.queues.split(",")) <= {"cpu", "gpu"}


@pytest.mark.parametrize("name", sorted(playground_services()))
def test_services_that_do_not_serve_replace_the_images_healthcheck(name):
    """The image's HEALTHCHECK asks port 8000: a worker would be marked unhealthy forever."""
    service = services()[name]
    if parse(service).command != "serve":
        assert "healthcheck" in service, f"{name} inherits the API's HEALTHCHECK"


# --- compose: redis, postgres, volumes ----------------------------------------------------------


def test_redis_appends_only():
    cmd = command(services()["redis"])
    assert cmd[0] == "redis-server"
    assert "--appendonly" in cmd and cmd[cmd.index("--appendonly") + 1] == "yes"


def test_postgres_matches_the_database_url():
    env = environment(services()["postgres"])
    url = environment(services()["api"])["PLAYGROUND_DATABASE_URL"]
    user, password, db = env["POSTGRES_USER"], env["POSTGRES_PASSWORD"], env["POSTGRES_DB"]
    assert url == f"postgresql+psycopg://{user}:{password}@postgres:5432/{db}"


@pytest.mark.parametrize("name", ["api", "redis", "postgres"])
def test_healthchecks(name):
    check = services()[name].get("healthcheck")
    assert check and not check.get("disable") and check.get("test")


def test_volumes_are_named_and_declared():
    declared = set(compose().get("volumes") or {})
    for name, service in services().items():
        for volume in service.get("volumes", []):
            source = volume.split(":", 1)[0] if isinstance(volume, str) else volume.get("source")
            assert not source.startswith((".", "/")), f"{name}: {volume} is a bind mount"
            assert source in declared, f"{name}: volume {source} is not declared"
    assert {"redis-data", "postgres-data"} <= declared


# --- the Dockerfile -----------------------------------------------------------------------------


def test_dockerfile_cmd_is_the_api_command():
    cmds = [rest for keyword, rest in final_stage() if keyword == "CMD"]
    assert cmds, "no CMD in the final stage"
    assert json.loads(cmds[-1]) == command(services()["api"])


def test_dockerfile_installs_torch_before_requirements():
    runs = [rest for keyword, rest in final_stage() if keyword == "RUN"]
    torch = [i for i, run in enumerate(runs) if re.search(r"pip install .*torch==2\.13\.0(\s|$)", run)]
    requirements = [i for i, run in enumerate(runs) if re.search(r"pip install .*-r requirements\.txt", run)]
    project = [i for i, run in enumerate(runs) if re.search(r"pip install --no-deps (-e )?\.", run)]
    assert torch and requirements and project
    assert torch[0] < requirements[0] < project[0]
    assert "${TORCH_INDEX_URL}" in runs[torch[0]] or "$TORCH_INDEX_URL" in runs[torch[0]]


def test_dockerfile_torch_index_defaults_to_cpu():
    args = dict(rest.split("=", 1) for keyword, rest in final_stage() if keyword == "ARG" and "=" in rest)
    assert args.get("TORCH_INDEX_URL") == CPU_INDEX


def test_dockerfile_image_layout():
    stage = final_stage()
    assert stage[0][1].startswith("python:3.11-slim")
    assert any(k == "FROM" and rest.startswith("node:20") for k, rest in dockerfile_instructions())
    assert ("EXPOSE", "8000") in stage
    assert any(k == "ENV" and "PLAYGROUND_DATA_DIR=/data" in rest for k, rest in stage)
    users = [rest for k, rest in stage if k == "USER"]
    assert users and users[-1] not in {"root", "0"}
    assert any(k == "COPY" and "--from=frontend" in rest and "/app/frontend/dist" in rest for k, rest in stage)
    healthchecks = [rest for k, rest in stage if k == "HEALTHCHECK"]
    assert healthchecks and "/api/v1/health" in healthchecks[-1] and "curl" not in healthchecks[-1]


def test_dockerignore_keeps_local_state_out():
    patterns = {line.strip() for line in DOCKERIGNORE.read_text().splitlines() if line.strip()}
    for needed in (".venv", "**/node_modules", "frontend/dist", "data", ".git", "**/__pycache__",
                   "bench/out", ".pytest_cache"):
        assert needed in patterns, needed
