"""The instructor's live wall in two browsers: the instructor opens a class on the page, a student joins with
its code and presses play, and the student's tile changes live on the wall; the instructor opens the run
read-only, shows the wall on the projector, pauses and stops the run; the assignment's leaderboard beside
the tiles lists the student once their run for it ends. Screenshots in test-artifacts/e2e/."""
from __future__ import annotations

import re
import uuid
from urllib.parse import parse_qs, urlparse

from playwright.sync_api import Browser, Page, expect

from tests.classroom import PASSWORD, QUICK, add_user, new_assignment, sign_in
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_browser import play_long_run, wait_for_pictures_to_change
from tests.e2e.test_multiclass import wait_for_three_colours

TILE_EPOCH_JS = "() => parseInt(document.querySelector('[data-testid=wall-tile] [data-testid=tile-epoch]').textContent)"


def teacher_signs_in(page: Page, server, name: str) -> None:
    page.goto(server.base_url + "/?wall=")
    page.get_by_role("button", name="I am the teacher").click()
    page.get_by_test_id("join-name").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_test_id("join-submit").click()
    expect(page.get_by_test_id("new-class-name")).to_be_visible()  # signed in, back on the wall page


def test_the_wall_shows_a_students_run_live(page: Page, browser: Browser, accounts_server):
    name = f"rivera-{uuid.uuid4().hex[:6]}"
    add_user(accounts_server, name, "instructor")
    teacher_signs_in(page, accounts_server, name)
    page.get_by_test_id("new-class-name").fill("Period 6")
    page.get_by_test_id("new-class-submit").click()
    code = page.get_by_test_id("wall-code").text_content()
    assert re.fullmatch(r"[A-HJ-KM-NP-Z2-9]{6}", code)
    expect(page.get_by_test_id("wall")).to_contain_text("No one is training yet")

    student_context = browser.new_context(viewport={"width": 1280, "height": 720})
    student = student_context.new_page()
    try:
        student.goto(accounts_server.base_url)
        student.get_by_test_id("join-code").fill(code)
        student.get_by_test_id("join-name").fill("Lin")
        student.get_by_test_id("join-submit").click()
        expect(student.get_by_test_id("sign-in")).to_be_hidden()
        run_id, _ = play_long_run(student)

        tile = page.locator(f"[data-testid=wall-tile][data-run='{run_id}']")
        expect(tile.get_by_test_id("tile-name")).to_have_text("Lin")
        expect(tile).to_have_attribute("data-status", "running")
        first = page.evaluate(TILE_EPOCH_JS)
        page.wait_for_function(f"before => ({TILE_EPOCH_JS})() > before", arg=first)  # live: the epoch moves
        wait_for_pictures_to_change(page, "[data-testid=wall-tile] canvas")  # and so does its picture
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=ARTIFACTS / "wall-instructor.png")
        student.screenshot(path=ARTIFACTS / "wall-student.png")

        with page.context.expect_page() as opened:  # the tile opens the run, live and read-only
            tile.locator("a.open").click()
        watched = opened.value
        expect(watched.get_by_test_id("read-only")).to_be_visible()
        expect(watched.get_by_test_id("status")).to_have_text("running")
        expect(watched.get_by_test_id("play")).to_be_disabled()
        watched.close()

        page.get_by_test_id("projector-toggle").click()
        assert "projector=1" in page.url
        expect(tile.locator(".actions")).to_have_count(0)  # nothing to press on the projector
        expect(page.get_by_test_id("wall-code")).to_have_text(code)
        page.screenshot(path=ARTIFACTS / "wall-projector.png")
        page.keyboard.press("Escape")

        tile.get_by_test_id("tile-pause").click()
        expect(tile).to_have_attribute("data-status", "paused")
        expect(student.get_by_test_id("status")).to_have_text("paused")  # the student's own page sees it
        class_id = parse_qs(urlparse(page.url).query)["wall"][0]
        assignment = new_assignment(sign_in(accounts_server, name), class_id)  # shown once a run ends
        tile.get_by_test_id("tile-stop").click()
        expect(tile).to_have_attribute("data-status", re.compile("cancelled|succeeded"))
        board = page.get_by_test_id("wall-leaderboard")
        expect(board.get_by_test_id("leaderboard-empty")).to_be_visible()  # a stopped run is on no board

        done = student.request.post(accounts_server.base_url + "/api/v1/runs",
                                    data={"spec": QUICK, "assignment": assignment["id"]})  # the student's cookie
        assert done.status == 201, done.text()
        expect(board.get_by_test_id("leaderboard-user")).to_have_text("Lin")  # live: fetched when it ended
        page.screenshot(path=ARTIFACTS / "wall-leaderboard.png")

        blobs = student.request.post(accounts_server.base_url + "/api/v1/runs", data={"spec": {
            "data": {"dataset": "blobs", "classes": 3}, "train": {"epochs": 100_000}}})
        assert blobs.status == 201, blobs.text()
        three = f"[data-testid=wall-tile][data-run='{blobs.json()['id']}'] canvas"
        wait_for_three_colours(page, three)  # a three-class run's tile in its classes' colours
        stopped = student.request.post(f"{accounts_server.base_url}/api/v1/runs/{blobs.json()['id']}/control",
                                       data={"action": "stop"})
        assert stopped.status == 202
    finally:
        student_context.close()
