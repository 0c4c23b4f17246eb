"""Test helpers for a server with accounts: users made with the CLI, signed-in clients, students who join."""
from __future__ import annotations

import subprocess
import sys
import uuid

import httpx

from tests.support import Api, Server

PASSWORD = "correct horse battery staple"
QUICK = {"data": {"dataset": "xor", "n_samples": 100}, "model": {"layers": [{"units": 2}]}, "train": {"epochs": 2}}


def add_user(server: Server, name: str, role: str, password: str = PASSWORD) -> subprocess.CompletedProcess:
    """`playground users add NAME --role ROLE`, the password on stdin, against the server's database."""
    return subprocess.run([sys.executable, "-m", "backend.cli", "users", "add", name, "--role", role],
                          input=password + "\n", cwd=server.root, env=server.env, capture_output=True, text=True,
                          check=True, timeout=60)


def sign_in(server: Server, name: str, password: str = PASSWORD) -> Api:
    response = httpx.post(server.base_url + "/api/v1/auth/token", data={"username": name, "password": password})
    assert response.status_code == 200, response.text
    return Api(server, response.json()["access_token"])


def new_instructor(server: Server, role: str = "instructor") -> Api:
    name = f"{role}-{uuid.uuid4().hex[:8]}"
    add_user(server, name, role)
    return sign_in(server, name)


def new_class(instructor: Api, name: str = "Period 3") -> dict:
    response = instructor.http.post("/classes", json={"name": name})
    assert response.status_code == 201, response.text
    return response.json()


def join(server: Server, code: str, name: str) -> Api:
    response = httpx.post(server.base_url + "/api/v1/join", json={"code": code, "name": name})
    assert response.status_code == 201, response.text
    return Api(server, response.json()["access_token"])


def fresh_token(student: Api, code: str) -> str:
    """A new token of the same student: joining again while signed in keeps the account."""
    response = student.http.post("/join", json={"code": code, "name": "again"})
    assert response.status_code == 201, response.text
    return response.json()["access_token"]


def new_assignment(instructor: Api, class_id: str, **body) -> dict:
    """An assignment of the class (by default of a quick XOR spec, nothing locked)."""
    response = instructor.http.post(f"/classes/{class_id}/assignments",
                                    json={"title": "XOR", **({"spec": QUICK} if "preset" not in body else {}), **body})
    assert response.status_code == 201, response.text
    return response.json()
