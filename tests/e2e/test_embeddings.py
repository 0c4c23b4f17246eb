"""End-to-end: the character-embeddings lesson trains live, its labelled tokens moving on the embeddings view.
No sleeps: every wait is on a condition in the page."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.test_browser import play_long_run, stop_run, wait_for_epoch_above, wait_for_pictures_to_change


def test_the_embeddings_lesson_shows_its_tokens_drifting_as_it_trains(page: Page, live_server) -> None:
    page.goto(live_server.base_url + "/")
    page.get_by_test_id("preset-char-embeddings").click()
    expect(page.get_by_test_id("data-kind")).to_have_value("sequence")
    run_id, sent = play_long_run(page)
    assert sent["data"]["dataset"] == "text" and sent["model"]["layers"][0] == {"type": "embedding", "dim": 8}

    embeddings = page.get_by_test_id("embeddings")
    expect(embeddings).to_be_visible()
    expect(embeddings).to_have_attribute("data-projection", "pca")  # eight wide: on its principal components
    expect(embeddings).to_have_attribute("data-tokens", "29")  # the text's characters, but the blank it never reads
    expect(page.get_by_role("list", name="token groups")).to_contain_text("vowels")
    wait_for_epoch_above(page, 1)
    wait_for_pictures_to_change(page, "[data-testid=embeddings]")
    stop_run(page, live_server, run_id)
