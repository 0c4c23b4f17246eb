"""Isolation: every operation of the OpenAPI document, walked with another user's token against a student's
run, and against a class and its assignment the walker has no part in, answers exactly as for one that does
not exist (404), or 403 above the caller's role. The operations come from the document itself, so a route
added later is walked without anyone listing it."""
from __future__ import annotations

import httpx
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from tests.classroom import QUICK, fresh_token, join, new_assignment, new_class, new_instructor
from tests.support import Api

UNKNOWN = "0" * 32
# A request body per schema, valid enough to reach the route's own checks; a new schema must be added here.
BODIES = {"ControlIn": {"action": "stop"}, "RunCreate": {"spec": QUICK}, "ClassIn": {"name": "theirs"},
          "PreviewIn": {"data": {"dataset": "xor"}}, "Body_sign_in_api_v1_auth_token_post":
          {"username": "nobody", "password": "wrong"}, "JoinIn": {"code": "ZZZZZZ", "name": "walker"},
          "AssignmentIn": {"title": "theirs", "preset": "xor-hidden-layer", "locked": ["data.dataset"]}}
BODIES["RunRename"] = {"name": "theirs"}
POINTS_CSV = "a,b,label\n1,2,0\n3,4,1\n5,6,0\n7,8,1\n"
FORMS = {"Body_upload_dataset_api_v1_datasets_post": {"files": {"file": ("walked.csv", POINTS_CSV, "text/csv")}}}
THEIR_DATASET = "first-students-points"
OWNED = ("run_id", "class_id", "assignment_id", "dataset_name")  # path parameters naming something of the first
# student's
PUBLIC = {"/api/v1/health", "/api/v1/catalog", "/api/v1/presets", "/api/v1/presets/{name}", "/api/v1/auth/token",
          "/api/v1/join"}


@pytest.fixture(scope="module")
def classroom(accounts_server):
    teacher = new_instructor(accounts_server)
    made = new_class(teacher)
    assignment = new_assignment(teacher, made["id"])
    first, second = (join(accounts_server, made["join_code"], name) for name in ("First", "Second"))
    run = first.submit(QUICK, assignment=assignment["id"])  # on the assignment's leaderboard
    uploaded = first.http.post("/datasets", data={"name": THEIR_DATASET},
                               files={"file": ("points.csv", POINTS_CSV, "text/csv")})
    assert uploaded.status_code == 201, uploaded.text
    first.all_events(run["id"])  # ended, so nothing about it changes during the walk
    other_teacher = new_instructor(accounts_server)
    other_class = new_class(other_teacher)
    return {"teacher": teacher, "class": made, "assignment": assignment, "first": first, "second": second,
            "run": first.run(run["id"]), "other_teacher": other_teacher, "other_class": other_class,
            "other_assignment": new_assignment(other_teacher, other_class["id"]),
            "first_id": first.http.get("/me").json()["id"]}


def victims(classroom, walker: str) -> dict:
    """The first student's run, and a class with its assignment that the walker is no part of: the first
    student's for another instructor; for their classmate, who may see their own class's assignments and
    leaderboards, another instructor's."""
    theirs = walker == "second"
    return {"run_id": classroom["run"]["id"], "name": "xor", "dataset_name": THEIR_DATASET,
            "class_id": classroom["other_class" if theirs else "class"]["id"],
            "assignment_id": classroom["other_assignment" if theirs else "assignment"]["id"]}


def operations(server) -> list[tuple[str, str, dict]]:
    document = httpx.get(server.base_url + "/openapi.json").json()
    return [(method.upper(), path, operation) for path, item in document["paths"].items()
            for method, operation in item.items()]


def body_of(operation: dict) -> dict:
    content = operation.get("requestBody", {}).get("content", {})
    if not content:
        return {}
    kind, media = next(iter(content.items()))
    schema = media["schema"]["$ref"].rsplit("/", 1)[-1]
    if kind == "multipart/form-data":
        assert schema in FORMS, f"teach this test a form for {schema}"
        return FORMS[schema]
    assert schema in BODIES, f"teach this test a body for {schema}"
    return {"data": BODIES[schema]} if kind == "application/x-www-form-urlencoded" else {"json": BODIES[schema]}


def call(api: Api, token: str, method: str, path: str, operation: dict, values: dict) -> httpx.Response:
    for parameter in operation.get("parameters", []):
        if parameter["in"] == "path":
            assert parameter["name"] in values, f"teach this test what {{{parameter['name']}}} in {path} names"
    params = {p["name"]: (p["schema"].get("enum") or ["x"])[0] for p in operation.get("parameters", [])
              if p["in"] == "query" and p.get("required")}
    return httpx.request(method, api.server.base_url + path.format(**values), params=params,
                         headers={"Authorization": f"Bearer {token}"}, timeout=30, **body_of(operation))


@pytest.mark.parametrize("walker", ["second", "other_teacher"])
def test_every_operation_hides_another_students_run(accounts_server, classroom, walker):
    """The second student of the same class, and the instructor of another class."""
    walking = classroom[walker]
    victim = victims(classroom, walker)
    unknown = {"run_id": UNKNOWN, "class_id": UNKNOWN, "assignment_id": UNKNOWN, "name": "xor", "dataset_name": UNKNOWN}
    walked = 0
    for method, path, operation in operations(accounts_server):
        # A fresh token for each operation: one of them (signing out) revokes the token it carries.
        token = (fresh_token(walking, classroom["class"]["join_code"]) if walker == "second"
                 else new_instructor(accounts_server).token if path == "/api/v1/auth/token" and method == "DELETE"
                 else walking.token)
        answer = call(walking, token, method, path, operation, victim)
        assert answer.status_code < 500, (method, path, answer.text)
        if any(f"{{{name}}}" in path for name in OWNED):
            as_unknown = call(walking, token, method, path, operation, unknown)
            assert answer.status_code in (403, 404), (method, path, answer.status_code, answer.text)
            assert answer.status_code == as_unknown.status_code, (method, path)
            hidden = answer.text
            for name in OWNED:
                hidden = hidden.replace(victim[name], UNKNOWN)
            assert hidden == as_unknown.text, (method, path)
            walked += 1
        else:
            assert victim["run_id"] not in answer.text and classroom["first_id"] not in answer.text, (method, path)
            assert THEIR_DATASET not in answer.text, (method, path)
    assert walked >= 14  # the run, class, assignment and dataset routes known today; later ones add to these
    first = classroom["first"].http.get(f"/runs/{victim['run_id']}")  # still there, as it was
    assert first.status_code == 200 and first.json() == classroom["run"]
    assert classroom["teacher"].http.get("/classes").json()[0]["join_code"] == classroom["class"]["join_code"]
    assert classroom["first"].http.get(f"/datasets/{THEIR_DATASET}").status_code == 200
    # A spec naming it is theirs alone: another user's run is told no dataset has that name.
    refused = walking.http.post("/runs", json={"spec": {"data": {"dataset": THEIR_DATASET}}})
    assert refused.status_code == 422 and refused.json()["detail"][0]["loc"] == ["body", "spec", "data", "dataset"]


def test_every_operation_but_the_public_ones_needs_a_sign_in(accounts_server):
    for method, path, operation in operations(accounts_server):
        if path not in PUBLIC:
            answer = httpx.request(method, accounts_server.base_url + path.format(
                run_id=UNKNOWN, class_id=UNKNOWN, assignment_id=UNKNOWN, dataset_name=UNKNOWN), **body_of(operation))
            assert answer.status_code == 401, (method, path, answer.status_code)


def close_of(url: str, **headers) -> tuple[int, str]:
    with connect(url, open_timeout=30, additional_headers=headers or None) as ws:
        with pytest.raises(ConnectionClosed) as closed:
            ws.recv(timeout=30)
    return closed.value.rcvd.code, closed.value.rcvd.reason


def test_the_websocket_hides_another_students_run(accounts_server, classroom):
    run_id, second = classroom["run"]["id"], classroom["second"]
    base = f"{accounts_server.ws_url}/runs"
    unknown = close_of(f"{base}/{UNKNOWN}/stream?token={second.token}")
    assert unknown[0] == 4404
    by_token = close_of(f"{base}/{run_id}/stream?token={second.token}")
    by_cookie = close_of(f"{base}/{run_id}/stream", Cookie=f"playground_session={second.token}")
    by_header = close_of(f"{base}/{run_id}/stream", Authorization=f"Bearer {second.token}")
    for seen in (by_token, by_cookie, by_header):
        assert (seen[0], seen[1].replace(run_id, UNKNOWN)) == unknown
    other = classroom["other_teacher"].token
    assert close_of(f"{base}/{run_id}/stream?token={other}")[0] == 4404


def test_the_instructor_and_an_admin_reach_the_students_run(accounts_server, classroom):
    run_id = classroom["run"]["id"]
    events = classroom["teacher"].all_events(run_id)
    assert events[-1]["data"]["status"] == "succeeded"
    admin = new_instructor(accounts_server, role="admin")
    assert admin.http.get(f"/runs/{run_id}").status_code == 200
    assert admin.http.get(f"/runs/{run_id}/metrics").status_code == 200
