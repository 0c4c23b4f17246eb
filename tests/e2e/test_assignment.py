"""The instructor makes an assignment on the page from a lesson, locking some settings; a student opens it on
theirs: its locked settings are locked (saying by what), Play makes the run for the assignment, and once it
ends the leaderboard lists them. Two browser contexts: two people."""
from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect

from tests.classroom import PASSWORD, add_user, join, new_class, sign_in
from tests.e2e.conftest import ARTIFACTS

LESSON = "xor-hidden-layer"  # XOR, one hidden layer of 4 tanh units, Adam at 0.03, 100 epochs
LOCKED = ["data.dataset", "train.optimizer.lr", "model.layers"]


def make_assignment_on_the_page(browser: Browser, server, username: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    page.goto(server.base_url)
    page.get_by_role("button", name="I am the teacher").click()
    page.get_by_test_id("join-name").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_test_id("join-submit").click()
    form = page.get_by_test_id("assignment-form")
    form.get_by_test_id("assignment-title").fill("XOR lab")
    form.get_by_test_id("assignment-source").select_option(LESSON)
    for path in LOCKED[1:]:  # the dataset is ticked already
        form.get_by_test_id(f"lock-{path}").check()
    form.scroll_into_view_if_needed()
    page.screenshot(path=ARTIFACTS / "assignment_instructor_form.png")
    form.get_by_test_id("assignment-create").click()
    expect(page.get_by_test_id("assignment").filter(has_text="XOR lab")).to_contain_text(", ".join(LOCKED))
    context.close()


def test_the_student_plays_the_assignment_and_reaches_the_leaderboard(page: Page, browser: Browser, accounts_server):
    add_user(accounts_server, "ms-rivera", "instructor")
    teacher = sign_in(accounts_server, "ms-rivera")
    klass = new_class(teacher, "Period 6")
    make_assignment_on_the_page(browser, accounts_server, "ms-rivera")
    made, = teacher.http.get(f"/classes/{klass['id']}/assignments").json()
    assert (made["preset"], made["locked"], made["spec"]["train"]["epochs"]) == (LESSON, LOCKED, 100)
    classmate = join(accounts_server, klass["join_code"], "Ana")  # already on the board, with a weaker network
    classmate.all_events(classmate.submit({**made["spec"], "train": {**made["spec"]["train"], "epochs": 1}},
                                          assignment=made["id"])["id"])

    page.goto(accounts_server.base_url)
    page.get_by_test_id("join-code").fill(klass["join_code"])
    page.get_by_test_id("join-name").fill("Lin")
    page.get_by_test_id("join-submit").click()
    assignment = page.get_by_test_id("assignment").filter(has_text="XOR lab")
    assignment.get_by_test_id("open-assignment").click()
    expect(page.get_by_test_id("assignment-open")).to_contain_text("XOR lab")

    rate = page.get_by_test_id("learning-rate")
    expect(rate).to_be_disabled()
    expect(rate).to_have_value("0.03")
    expect(rate).to_have_attribute("title", "Locked by the assignment “XOR lab”: train.optimizer.lr")
    expect(page.get_by_test_id("dataset-circle")).to_be_disabled()
    expect(page.get_by_test_id("dataset-xor")).to_have_attribute("data-locked", "data.dataset")
    expect(page.get_by_test_id("add-layer")).to_have_attribute("data-locked", "model.layers")
    expect(page.get_by_test_id("batch-size")).to_be_enabled()  # not locked: the student's to choose
    expect(page.get_by_test_id("batch-size")).not_to_have_attribute("data-locked", "")
    board = page.get_by_test_id("leaderboard")
    expect(board.get_by_test_id("leaderboard-user")).to_have_text(["Ana"])
    page.evaluate("window.scrollTo(0, 0)")  # opening it scrolled down to the list; the locked controls are on top
    page.wait_for_load_state("networkidle")  # the XOR data and network drawn, for the picture
    page.screenshot(path=ARTIFACTS / "assignment_locked_controls.png")

    page.get_by_test_id("play").click()
    # Lin's 100 epochs beat Ana's one (fixed seeds: the same scores every time).
    expect(board.get_by_test_id("leaderboard-user")).to_have_text(["Lin", "Ana"], timeout=90_000)
    runs = page.request.get(accounts_server.base_url + "/api/v1/runs").json()  # the page's own cookie
    assert [(run["assignment"], run["status"]) for run in runs] == [(made["id"], "succeeded")]
    expect(board.get_by_test_id("leaderboard-row").filter(has_text="Lin")).to_have_class(re.compile(r"\bmine\b"))
    page.get_by_test_id("assignments").scroll_into_view_if_needed()
    page.screenshot(path=ARTIFACTS / "assignment_leaderboard.png")
