"""Real-browser fixtures: one headless Chromium per test session, a fresh page per test.

Playwright cannot download its own browsers here, so the system Chromium is launched directly.
The `live_server` fixture (a running server with the built frontend and the API) comes from
tests/conftest.py.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

CHROMIUM_PATH = os.environ.get("PLAYGROUND_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Training the first epoch includes model set-up on a possibly slow CI machine.
TIMEOUT_MS = 30_000
# Two animation frames: the resize observers (charts, the network's scale) have answered a new size, and the
# page has been laid out and painted again with what they changed.
SETTLED_JS = "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"
# Screenshots of every browser test, for people to look at (CI keeps the folder as an artifact).
ARTIFACTS = Path(os.environ.get("PLAYGROUND_ARTIFACTS", "test-artifacts")) / "e2e"


# Package scope: Playwright's sync API holds an event loop on the main thread while it runs, which would break
# the asyncio.run of any test after it in the same pytest-xdist process; it stops once these tests are done.
@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    if not os.path.exists(CHROMIUM_PATH):
        # Fail rather than skip: a missing browser must not make the end-to-end suite look green.
        pytest.fail(
            f"Chromium not found at {CHROMIUM_PATH}; install it (apt-get install -y chromium) "
            "or point PLAYGROUND_CHROMIUM at a Chromium binary.",
            pytrace=False,
        )
    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    uncaught: list[str] = []
    page.on("pageerror", lambda error: uncaught.append(str(error)))
    started_at: set[str] = set()  # the runs collections the page started runs in (its POST /runs answered 201)
    page.on("response", lambda r: started_at.add(r.url) if r.request.method == "POST" and r.status == 201
            and r.url.endswith("/api/v1/runs") else None)
    yield page
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[^\w-]", "_", request.node.name)
    page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)
    stop_runs_left_going(context, started_at)
    context.close()
    # A JavaScript exception is a bug even when the assertions happened to pass.
    assert not uncaught, f"uncaught errors in the page: {uncaught}"


def stop_runs_left_going(context, collections: set[str]) -> None:
    """Stop the runs a test's page left queued, running or paused (as the page's user): the session's server would
    train them on through every later test, on make test's two cores."""
    for runs in collections:
        for status in ("queued", "running", "paused"):
            for run in context.request.get(f"{runs}?status={status}").json():
                context.request.post(f"{runs}/{run['id']}/control", data={"action": "stop"})
