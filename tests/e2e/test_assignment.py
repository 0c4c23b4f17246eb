"""A student opens their class's assignment on the page: its locked settings are locked (saying by what), Play
makes the run for the assignment, and once it ends the leaderboard lists them."""
from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.classroom import join, new_assignment, new_class, new_instructor
from tests.e2e.conftest import ARTIFACTS

SPEC = {"data": {"dataset": "xor", "n_samples": 200}, "model": {"layers": [{"units": 4, "activation": "tanh"}]},
        "train": {"optimizer": {"name": "adam", "lr": 0.03}, "epochs": 30}}
LOCKED = ["data.dataset", "train.optimizer.lr", "model.layers"]


def test_the_student_plays_the_assignment_and_reaches_the_leaderboard(page: Page, accounts_server):
    teacher = new_instructor(accounts_server)
    klass = new_class(teacher, "Period 6")
    made = new_assignment(teacher, klass["id"], title="XOR lab", spec=SPEC, locked=LOCKED)
    classmate = join(accounts_server, klass["join_code"], "Ana")  # already on the board, with a weaker network
    classmate.all_events(classmate.submit({**SPEC, "train": {**SPEC["train"], "epochs": 1}},
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
    page.screenshot(path=ARTIFACTS / "assignment_locked_controls.png", full_page=True)

    page.get_by_test_id("play").click()
    # Lin's 30 epochs beat Ana's one (fixed seeds: the same scores every time).
    expect(board.get_by_test_id("leaderboard-user")).to_have_text(["Lin", "Ana"], timeout=90_000)
    runs = page.request.get(accounts_server.base_url + "/api/v1/runs").json()  # the page's own cookie
    assert [(run["assignment"], run["status"]) for run in runs] == [(made["id"], "succeeded")]
    expect(board.get_by_test_id("leaderboard-row").filter(has_text="Lin")).to_have_class(re.compile(r"\bmine\b"))
    board.scroll_into_view_if_needed()
    page.screenshot(path=ARTIFACTS / "assignment_leaderboard.png", full_page=True)
