"""The page tells a student why the server refused or ended their run: a run stopped at the run-time limit says so,
and a Play over the submission rate limit shows the server's message with when to try again."""
from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_browser import play_long_run
from tests.support import Server


@pytest.fixture(scope="module")
def limited_server(tmp_path_factory):
    server = Server(tmp_path_factory.mktemp("limited-page"), PLAYGROUND_MAX_RUN_SECONDS="3",
                    PLAYGROUND_MAX_SUBMISSIONS_PER_MINUTE="1", PLAYGROUND_REAP_SECONDS="0.2").start()
    yield server
    server.stop()


def test_the_page_shows_the_time_limit_and_the_rate_limit(page: Page, limited_server) -> None:
    page.goto(limited_server.base_url + "/")
    play_long_run(page)
    stopped = page.get_by_test_id("run-stopped")
    expect(stopped).to_contain_text("PLAYGROUND_MAX_RUN_SECONDS")
    expect(stopped).to_contain_text("3 s")
    expect(page.get_by_test_id("status")).to_have_text("cancelled")
    with page.expect_response(lambda r: r.url.endswith("/api/v1/runs") and r.request.method == "POST") as refused:
        page.get_by_test_id("play").click()
    assert refused.value.status == 429
    wait = refused.value.headers["retry-after"]
    error = page.get_by_test_id("error")
    expect(error).to_contain_text("Over your limit")
    expect(error).to_contain_text("in the last minute")
    expect(error).to_contain_text(f"try again in {wait} s")
