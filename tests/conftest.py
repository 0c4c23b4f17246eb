"""Shared fixtures: real servers (uvicorn, SQLite, child-process training), without and with accounts, and a client."""
from __future__ import annotations

import pytest

from tests.support import Api, Server


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """One server for the tests that do not restart it."""
    server = Server(tmp_path_factory.mktemp("server")).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def api(live_server) -> Api:
    return Api(live_server)


@pytest.fixture(scope="session")
def accounts_server(tmp_path_factory):
    """One server with PLAYGROUND_AUTH=accounts, for the tests of signing in, classes and isolation."""
    server = Server(tmp_path_factory.mktemp("accounts"), PLAYGROUND_AUTH="accounts").start()
    yield server
    server.stop()


@pytest.fixture
def fresh_server(tmp_path):
    """A server of this test's own, for tests that stop and restart it."""
    server = Server(tmp_path / "data")
    yield server
    server.stop()
