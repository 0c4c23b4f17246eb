"""Classes and join codes: an instructor opens a class, students join by code and name, codes rotate and close."""
from __future__ import annotations

import httpx
import pytest

from backend.services.classes import ALPHABET, CODE_LENGTH
from tests.classroom import QUICK, join, new_class, new_instructor
from tests.support import Api


@pytest.fixture(scope="module")
def teacher(accounts_server) -> Api:
    return new_instructor(accounts_server)


def test_a_class_gets_a_code_easy_to_read_aloud(teacher):
    made = new_class(teacher, "Period 1")
    assert made["name"] == "Period 1" and len(made["join_code"]) == CODE_LENGTH
    assert set(made["join_code"]) <= set(ALPHABET) and not set(made["join_code"]) & set("0O1lI")
    assert made["id"] in [c["id"] for c in teacher.http.get("/classes").json()]
    assert made["id"] in [c["id"] for c in teacher.http.get("/me").json()["classes"]]


def test_a_student_joins_with_the_code_and_a_name(accounts_server, teacher):
    made = new_class(teacher)
    code = made["join_code"]
    response = httpx.post(accounts_server.base_url + "/api/v1/join",
                          json={"code": f"{code[:3].lower()}-{code[3:]}", "name": "  Lin  "})
    assert response.status_code == 201
    body = response.json()
    assert body["token_type"] == "bearer" and body["user"]["role"] == "student" and body["user"]["name"] == "Lin"
    assert body["user"]["classes"] == [{"id": made["id"], "name": made["name"]}]
    cookie = response.headers["set-cookie"]
    assert "playground_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    page = httpx.Client(base_url=accounts_server.base_url + "/api/v1", cookies=response.cookies)
    assert page.get("/me").json()["id"] == body["user"]["id"]  # the page stays signed in by its cookie
    assert Api(accounts_server, body["access_token"]).http.get("/me").json()["id"] == body["user"]["id"]


def test_joining_again_signed_in_keeps_the_account_and_anyone_else_is_new(accounts_server, teacher):
    first, second = new_class(teacher, "Morning"), new_class(teacher, "Afternoon")
    lin = join(accounts_server, first["join_code"], "Lin")
    again = lin.http.post("/join", json={"code": second["join_code"], "name": "Lin"}).json()["user"]
    assert again["id"] == lin.http.get("/me").json()["id"]
    assert {c["name"] for c in again["classes"]} == {"Morning", "Afternoon"}
    namesake = join(accounts_server, first["join_code"], "Lin")  # another browser: another student
    assert namesake.http.get("/me").json()["id"] != again["id"]


def test_an_unknown_code_is_404(accounts_server):
    response = httpx.post(accounts_server.base_url + "/api/v1/join", json={"code": "ZZZZZZ9", "name": "x"})
    assert response.status_code == 404 and "code" in response.json()["detail"]


def test_rotate_and_close_a_code(accounts_server, teacher):
    made = new_class(teacher)
    rotated = teacher.http.post(f"/classes/{made['id']}/code").json()
    assert rotated["join_code"] != made["join_code"]
    old = httpx.post(accounts_server.base_url + "/api/v1/join", json={"code": made["join_code"], "name": "x"})
    assert old.status_code == 404
    student = join(accounts_server, rotated["join_code"], "Sam")
    closed = teacher.http.delete(f"/classes/{made['id']}/code").json()
    assert closed["join_code"] is None
    late = httpx.post(accounts_server.base_url + "/api/v1/join", json={"code": rotated["join_code"], "name": "y"})
    assert late.status_code == 404
    assert student.http.get("/me").status_code == 200  # those in the class stay
    reopened = teacher.http.post(f"/classes/{made['id']}/code").json()["join_code"]
    join(accounts_server, reopened, "Late")


def test_the_instructor_sees_every_run_of_the_class(accounts_server, teacher):
    made = new_class(teacher)
    students = [join(accounts_server, made["join_code"], name) for name in ("Ana", "Ben")]
    runs = [student.submit(QUICK, name=f"run of {i}") for i, student in enumerate(students)]
    outsider = join(accounts_server, new_class(teacher)["join_code"], "Cy").submit(QUICK)
    listed = teacher.http.get(f"/classes/{made['id']}/runs").json()
    assert {r["id"] for r in listed} == {r["id"] for r in runs} and outsider["id"] not in {r["id"] for r in listed}
    assert teacher.http.get(f"/runs/{runs[0]['id']}").status_code == 200
    assert students[0].http.get("/runs").json()[0]["id"] == runs[0]["id"]  # a student lists their own
    assert len(students[0].http.get("/runs").json()) == 1


def test_another_instructors_class_is_404_and_a_student_gets_403(accounts_server, teacher):
    made = new_class(teacher)
    other = new_instructor(accounts_server)
    for method, path in [("GET", "/runs"), ("POST", "/code"), ("DELETE", "/code")]:
        assert other.http.request(method, f"/classes/{made['id']}{path}").status_code == 404
    student = join(accounts_server, made["join_code"], "Dee")
    assert student.http.post("/classes", json={"name": "mine"}).status_code == 403
    assert student.http.get(f"/classes/{made['id']}/runs").status_code == 403
    admin = new_instructor(accounts_server, role="admin")
    assert admin.http.get(f"/classes/{made['id']}/runs").status_code == 200
