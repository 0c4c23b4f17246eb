"""The checked-in frontend types (frontend/src/lib/generated/) match the server's OpenAPI schema as it is now.

A route, request, response or event model that changes without `make types` fails here. Without the
frontend's node_modules (or node) the TypeScript half is skipped, except under CI=true, where it fails.
"""
from __future__ import annotations

import difflib
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from backend.openapi import dumps
from backend.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
FRONTEND = ROOT / "frontend"
GENERATED = FRONTEND / "src" / "lib" / "generated"
GENERATOR = FRONTEND / "node_modules" / ".bin" / "openapi-typescript"
# The same options as the gen:api script of frontend/package.json (checked below).
GENERATOR_OPTIONS = ["--default-non-nullable", "false", "--root-types", "--root-types-no-schema-prefix"]
STALE = "is stale: run `make types` (or `npm run gen:api` in frontend/) and commit the result"


def differences(expected: str, actual: str, name: str) -> str:
    lines = difflib.unified_diff(actual.splitlines(), expected.splitlines(), f"{name} (checked in)",
                                 f"{name} (from the code)", lineterm="", n=1)
    shown = list(lines)
    return "\n".join(shown[:60] + ([f"... {len(shown) - 60} more lines"] if len(shown) > 60 else []))


@pytest.fixture(scope="module")
def schema() -> str:
    return dumps()


def test_openapi_json_is_current(schema):
    checked_in = (GENERATED / "openapi.json").read_text(encoding="utf-8")
    if checked_in != schema:
        pytest.fail(f"frontend/src/lib/generated/openapi.json {STALE}\n"
                    + differences(schema, checked_in, "openapi.json"))


def test_api_ts_is_current(schema, tmp_path):
    if not GENERATOR.exists() or shutil.which("node") is None:
        missing = ("node" if GENERATOR.exists()
                   else "frontend/node_modules/.bin/openapi-typescript (run `npm ci` in frontend/)")
        if os.environ.get("CI", "").lower() in ("true", "1"):
            pytest.fail(f"cannot check the generated TypeScript types: no {missing}")
        pytest.skip(f"no {missing}: the generated TypeScript types are not checked (CI=true fails instead)")
    source, target = tmp_path / "openapi.json", tmp_path / "api.ts"
    source.write_text(schema, encoding="utf-8")
    done = subprocess.run([str(GENERATOR), str(source), "-o", str(target), *GENERATOR_OPTIONS],
                          cwd=FRONTEND, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"openapi-typescript failed:\n{done.stdout}\n{done.stderr}"
    expected = target.read_text(encoding="utf-8")
    checked_in = (GENERATED / "api.ts").read_text(encoding="utf-8")
    if checked_in != expected:
        pytest.fail(f"frontend/src/lib/generated/api.ts {STALE}\n" + differences(expected, checked_in, "api.ts"))


def test_the_npm_script_generates_with_the_same_options():
    script = json.loads((FRONTEND / "package.json").read_text())["scripts"]["gen:api"]
    assert "python -m backend.openapi -o frontend/src/lib/generated/openapi.json" in script
    assert ("openapi-typescript src/lib/generated/openapi.json -o src/lib/generated/api.ts "
            + " ".join(GENERATOR_OPTIONS)) in script


def test_the_schema_is_built_without_touching_the_database_or_the_settings(tmp_path):
    """create_app() only builds routes: the lifespan (migrations, Redis, workers) never runs, and the
    document is the same whatever the settings."""
    nowhere = tmp_path / "nowhere"
    settings = Settings(data_dir=nowhere, database_url="postgresql+psycopg://nobody:x@127.0.0.1:1/none",
                        redis_url="redis://127.0.0.1:1/0", max_units=3, max_samples=5)
    assert dumps(settings) == dumps(Settings(data_dir=nowhere))
    assert not nowhere.exists()
