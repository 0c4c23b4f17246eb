"""Accounts (PLAYGROUND_AUTH=accounts): signing in with a password, who am I, signing out, and what needs a sign-in."""
from __future__ import annotations

import httpx
import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect

from tests.classroom import PASSWORD, add_user, new_instructor, sign_in

PUBLIC = ["/api/v1/health", "/api/v1/catalog", "/api/v1/presets", "/docs", "/openapi.json"]


@pytest.mark.parametrize("path", PUBLIC)
def test_what_anyone_may_read(accounts_server, path):
    assert httpx.get(accounts_server.base_url + path).status_code == 200


@pytest.mark.parametrize("method,path", [("GET", "/runs"), ("GET", "/me"), ("POST", "/runs"),
                                         ("GET", "/runs/0123/events"), ("POST", "/classes")])
def test_everything_else_needs_a_signed_in_user(accounts_server, method, path):
    response = httpx.request(method, accounts_server.base_url + "/api/v1" + path, json={})
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert "sign in" in response.json()["detail"]


def test_a_bad_token_is_401_too(accounts_server):
    response = httpx.get(accounts_server.base_url + "/api/v1/me", headers={"Authorization": "Bearer nonsense"})
    assert response.status_code == 401 and response.headers["www-authenticate"] == "Bearer"


def test_sign_in_me_and_sign_out(accounts_server):
    add_user(accounts_server, "ada", "instructor")
    ada = sign_in(accounts_server, "ada")
    me = ada.http.get("/me").json()
    assert me["name"] == "ada" and me["role"] == "instructor" and me["classes"] == []
    assert ada.http.delete("/auth/token").status_code == 204
    revoked = ada.http.get("/me")
    assert revoked.status_code == 401 and "revoked" in revoked.json()["detail"]


def test_a_wrong_password_or_name_is_401(accounts_server):
    add_user(accounts_server, "ada2", "instructor")
    for username, password in [("ada2", "wrong"), ("nobody", PASSWORD)]:
        response = httpx.post(accounts_server.base_url + "/api/v1/auth/token",
                              data={"username": username, "password": password})
        assert response.status_code == 401 and response.json()["detail"] == "wrong username or password"
        assert response.headers["www-authenticate"] == "Bearer"


def test_users_add_again_sets_a_new_password_and_role(accounts_server):
    add_user(accounts_server, "grace", "instructor", "first")
    result = add_user(accounts_server, "grace", "admin", "second")
    assert result.stdout.strip() == "updated admin grace"
    assert httpx.post(accounts_server.base_url + "/api/v1/auth/token",
                      data={"username": "grace", "password": "first"}).status_code == 401
    assert sign_in(accounts_server, "grace", "second").http.get("/me").json()["role"] == "admin"


def test_the_docs_authorize_button_uses_the_password_flow(accounts_server):
    document = httpx.get(accounts_server.base_url + "/openapi.json").json()
    schemes = document["components"]["securitySchemes"]
    assert schemes["SignedIn"]["flows"]["password"]["tokenUrl"] == "/api/v1/auth/token"
    assert document["paths"]["/api/v1/runs"]["get"]["security"] == [{"SignedIn": []}]


def test_a_websocket_without_a_sign_in_is_refused(accounts_server):
    with pytest.raises(InvalidStatus) as refused:
        connect(f"{accounts_server.ws_url}/runs/0123/stream", open_timeout=30)
    assert refused.value.response.status_code == 403


def test_a_websocket_signs_in_with_its_token(accounts_server):
    instructor = new_instructor(accounts_server)
    with connect(f"{accounts_server.ws_url}/runs/0123/stream?token={instructor.token}", open_timeout=30) as ws:
        with pytest.raises(ConnectionClosed) as closed:
            ws.recv(timeout=30)
    assert closed.value.rcvd.code == 4404  # signed in, and no such run


def test_without_accounts_the_caller_is_the_local_user(api):
    assert api.http.get("/me").json() == {"id": "local", "name": "Local user", "role": "admin", "classes": []}
    assert api.http.post("/join", json={"code": "ABCDEF", "name": "x"}).status_code == 404
    assert api.http.post("/auth/token", data={"username": "a", "password": "b"}).status_code == 404
