"""PLAYGROUND_LOG_FORMAT=json: every line the server logs is one JSON object, access lines with their fields."""
from __future__ import annotations

import json
import logging
import sys

import httpx

from tests.support import Server
from workers.logs import JsonFormatter


def test_a_record_is_one_json_line_with_its_extras_and_traceback():
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.LogRecord("backend.x", logging.ERROR, __file__, 1, "run %s lost", ("r1",), sys.exc_info())
    record.run_id = "r1"
    line = JsonFormatter().format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["level"] == "error" and entry["logger"] == "backend.x" and entry["message"] == "run r1 lost"
    assert entry["run_id"] == "r1" and "ValueError: boom" in entry["exception"] and entry["time"].endswith("+00:00")


def test_the_server_logs_json_lines(tmp_path):
    server = Server(tmp_path / "data", log_level="info", PLAYGROUND_LOG_FORMAT="json").start()
    try:
        assert httpx.get(server.base_url + "/api/v1/runs/no-such-run").status_code == 404
    finally:
        server.stop()
    lines = [line for line in server.log.read_text().splitlines() if line.strip()]
    entries = [json.loads(line) for line in lines]  # every line parses: nothing in plain text
    assert any(e["logger"] == "uvicorn.error" and "Uvicorn running" in e["message"] for e in entries)
    access = [e for e in entries if e["logger"] == "uvicorn.access" and e.get("path") == "/api/v1/runs/no-such-run"]
    assert len(access) == 1 and access[0]["status"] == 404 and access[0]["method"] == "GET"
