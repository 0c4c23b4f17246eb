"""End-to-end: the lessons are grouped by the course's chapters under an index, each card states its claim,
and a new lesson's comparison loads and runs. No sleeps: every wait is on a condition in the page."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from workers.engine.presets import PRESETS
from workers.engine.topics import chapter_of


def test_the_lessons_are_indexed_by_chapter_and_state_their_claims(page: Page, live_server) -> None:
    page.goto(live_server.base_url + "/")
    expect(page.get_by_test_id("lesson-count")).to_have_text(f"({len(PRESETS)})")
    chapters = sorted({chapter_of(p["topics"]) for p in PRESETS})
    expect(page.get_by_test_id("lesson-index").locator("li")).to_have_count(len(chapters))
    expect(page.get_by_test_id("chapter-6")).to_have_text("6. Optimizers and schedules")
    momentum = page.get_by_test_id("preset-momentum")
    expect(momentum).to_contain_text("Claim: train loss at most 0.4 × the comparison's (median of 3 seeds)")
    expect(page.get_by_test_id("chapter-6").locator("xpath=following-sibling::ul[1]")
           .get_by_test_id("preset-momentum")).to_have_count(1)  # under its chapter's heading

    page.get_by_test_id("preset-momentum-compare").click()  # plain SGD, the lesson's comparison
    page.get_by_test_id("play").click()
    expect(page.get_by_test_id("status")).to_have_text("succeeded")
