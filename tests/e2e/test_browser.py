"""End-to-end: the built page against the real server, in headless Chromium.

Needs the `live_server` fixture from tests/conftest.py and the `browser`/`page` fixtures from
tests/e2e/conftest.py. No sleeps: every wait is on a condition in the page.
"""

from __future__ import annotations

import json
import re

from playwright.sync_api import Page, Route, expect

RUNS_URL = re.compile(r"/api/v1/runs$")
LOSS_TEXT = re.compile(r"^-?\d+\.\d{3}$")
# Far more epochs than the test waits for, so the run is still going when we pause and stop it.
LONG_RUN_EPOCHS = 100_000

EPOCH_JS = "() => parseInt(document.querySelector('[data-testid=epoch]').textContent, 10)"

# Fraction of the boundary canvas that is painted (alpha > 0); points alone cover far less.
PAINTED_FRACTION_JS = """() => {
  const canvas = document.querySelector('[data-testid=boundary]');
  if (!canvas) return 0;
  const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
  let painted = 0;
  for (let i = 3; i < data.length; i += 4) if (data[i] > 0) painted++;
  return painted / (canvas.width * canvas.height);
}"""


def lengthen_run(route: Route) -> None:
    """Let the page's POST /runs through, with the spec's epoch count raised."""
    body = json.loads(route.request.post_data or "{}")
    body["spec"].setdefault("train", {})["epochs"] = LONG_RUN_EPOCHS
    route.continue_(post_data=json.dumps(body))


def epoch_of(page: Page) -> int:
    return page.evaluate(EPOCH_JS)


def test_train_pause_step_and_reset_on_xor(page: Page, live_server) -> None:
    page.route(RUNS_URL, lengthen_run)
    page.goto(live_server.base_url + "/")

    page.get_by_test_id("dataset-xor").click()
    expect(page.get_by_test_id("dataset-xor")).to_have_attribute("aria-pressed", "true")

    with page.expect_response(lambda r: RUNS_URL.search(r.url) and r.request.method == "POST") as created:
        page.get_by_test_id("play").click()
    response = created.value
    assert response.status == 201, response.text()
    assert response.request.post_data_json["spec"]["data"]["dataset"] == "xor"
    run_id = response.json()["id"]

    # Training shows up: epochs count, losses print, the boundary and the loss chart are drawn.
    page.wait_for_function(f"() => ({EPOCH_JS})() > 0")
    expect(page.get_by_test_id("train-loss")).to_have_text(LOSS_TEXT)
    expect(page.get_by_test_id("test-loss")).to_have_text(LOSS_TEXT)
    page.wait_for_function(f"() => ({PAINTED_FRACTION_JS})() > 0.5")
    expect(page.get_by_test_id("loss-chart").locator("polyline").first).to_have_attribute("points", re.compile(r"\d"))

    # Play again pauses.
    page.get_by_test_id("play").click()
    expect(page.get_by_test_id("status")).to_have_text("paused")

    # Step trains a little while staying paused.
    before = epoch_of(page)
    page.get_by_test_id("step").click()
    page.wait_for_function(f"before => ({EPOCH_JS})() > before", arg=before)
    expect(page.get_by_test_id("status")).to_have_text("paused")

    # Reset stops the run on the server and clears the views.
    page.get_by_test_id("reset").click()
    expect(page.get_by_test_id("epoch")).to_have_text("0")
    expect(page.get_by_test_id("train-loss")).not_to_have_text(LOSS_TEXT)
    page.wait_for_function(f"() => ({PAINTED_FRACTION_JS})() === 0")
    page.wait_for_function(
        """async (url) => {
          const run = await (await fetch(url)).json();
          return !['queued', 'running', 'paused'].includes(run.status);
        }""",
        arg=f"/api/v1/runs/{run_id}",
        polling=200,
    )


def test_add_layer_reaches_the_spec_and_validation_errors_are_shown(page: Page, live_server) -> None:
    # The server's answer is replaced by a 422 so this test checks only what the page sends and shows.
    posted: list[dict] = []

    def refuse(route: Route) -> None:
        posted.append(json.loads(route.request.post_data or "{}"))
        detail = [{"loc": ["body", "spec", "model", "layers", 0, "units"], "msg": "too small", "type": "value_error"}]
        route.fulfill(status=422, json={"detail": detail})

    page.route(RUNS_URL, refuse)
    page.goto(live_server.base_url + "/")

    layers = page.get_by_test_id("layer")
    expect(page.get_by_test_id("add-layer")).to_be_enabled()
    count = layers.count()
    page.get_by_test_id("add-layer").click()
    expect(layers).to_have_count(count + 1)
    expect(layers.last).to_contain_text("4")

    page.get_by_test_id("play").click()
    expect(page.get_by_test_id("error")).to_contain_text("body.spec.model.layers.0.units: too small")
    assert posted[0]["spec"]["model"]["layers"][-1] == {"type": "dense", "units": 4, "activation": "tanh"}
    expect(page.get_by_test_id("status")).not_to_have_text("running")
