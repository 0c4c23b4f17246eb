"""End-to-end: the built page against the real server, in headless Chromium.

Needs the `live_server` fixture from tests/conftest.py and the `browser`/`page` fixtures from
tests/e2e/conftest.py. No sleeps: every wait is on a condition in the page. Each test leaves a
screenshot in test-artifacts/e2e/.
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, WebSocketRoute, expect

LOSS_TEXT = re.compile(r"^-?\d+\.\d{3}$")
# Far more epochs than the test waits for, so the run is still going when we pause it.
LONG_RUN_EPOCHS = "100000"

EPOCH_JS = "() => parseInt(document.querySelector('[data-testid=epoch]').textContent, 10)"

# A checksum of the pixels of every canvas a selector matches: it changes when any picture does.
CANVAS_SUM_JS = """(selector) => {
  let sum = 0;
  for (const canvas of document.querySelectorAll(selector)) {
    const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
    for (let i = 0; i < data.length; i += 4) {
      sum = (sum * 31 + data[i] + 7 * data[i + 1] + 13 * data[i + 2]) % 1000000007;
    }
  }
  return sum;
}"""


def wait_for_pictures_to_change(page: Page, selector: str) -> None:
    """Wait until the canvases under `selector` show something else than they do now."""
    before = page.evaluate(CANVAS_SUM_JS, selector)
    page.wait_for_function(f"([selector, before]) => ({CANVAS_SUM_JS})(selector) !== before", arg=[selector, before])


def epoch_of(page: Page) -> int:
    return page.evaluate(EPOCH_JS)


def wait_for_epoch_above(page: Page, epoch: int) -> None:
    page.wait_for_function(f"before => ({EPOCH_JS})() > before", arg=epoch)


def open_settings(page: Page) -> None:
    page.get_by_test_id("advanced").locator("summary").click()


def play_long_run(page: Page) -> tuple[str, dict]:
    """Set the page's run to last (more epochs than any test waits for), press play: (run id, spec sent)."""
    open_settings(page)
    page.get_by_test_id("epochs").fill(LONG_RUN_EPOCHS)
    with page.expect_response(lambda r: r.url.endswith("/api/v1/runs") and r.request.method == "POST") as created:
        page.get_by_test_id("play").click()
    assert created.value.status == 201, created.value.text()
    return created.value.json()["id"], created.value.request.post_data_json["spec"]


def stop_run(page: Page, live_server, run_id: str) -> None:
    """Stop a run the page left going, so the next tests have the training workers to themselves."""
    stopped = page.request.post(f"{live_server.base_url}/api/v1/runs/{run_id}/control", data={"action": "stop"})
    assert stopped.status == 202


def test_spiral_trains_live_pauses_steps_and_the_url_restores_it(page: Page, live_server) -> None:
    page.goto(live_server.base_url + "/")
    page.get_by_test_id("dataset-spiral").click()
    expect(page.get_by_test_id("dataset-spiral")).to_have_attribute("aria-pressed", "true")
    layers = page.get_by_test_id("layer")
    expect(layers).to_have_count(2)  # the TensorFlow Playground default: 4 and 2 neurons
    page.get_by_test_id("add-layer").click()
    expect(layers).to_have_count(3)
    run_id, sent = play_long_run(page)
    assert sent["data"]["dataset"] == "spiral" and len(sent["model"]["layers"]) == 3
    assert sent["train"]["epochs"] == int(LONG_RUN_EPOCHS)

    # Training shows up live: the epoch counter, the losses, the loss chart and the boundary move.
    wait_for_epoch_above(page, 0)
    expect(page.get_by_test_id("train-loss")).to_have_text(LOSS_TEXT)
    expect(page.get_by_test_id("test-loss")).to_have_text(LOSS_TEXT)
    first_loss = page.get_by_test_id("train-loss").text_content()
    wait_for_pictures_to_change(page, "[data-testid=boundary]")
    wait_for_epoch_above(page, epoch_of(page) + 3)
    expect(page.get_by_test_id("train-loss")).not_to_have_text(first_loss)
    page.wait_for_function("() => +document.querySelector('[data-testid=loss-chart]').dataset.points > 3")
    expect(page.get_by_test_id("neuron-map").first).to_be_visible()

    # Play again pauses; the settings stay in reach (test_live_page.py: what changes live, what resets).
    page.get_by_test_id("play").click()
    expect(page.get_by_test_id("status")).to_have_text("paused")
    expect(page.get_by_test_id("learning-rate")).to_be_enabled()

    # Step trains one epoch and stays paused.
    before = epoch_of(page)
    page.get_by_test_id("step").click()
    wait_for_epoch_above(page, before)
    expect(page.get_by_test_id("status")).to_have_text("paused")
    assert epoch_of(page) == before + 1

    # The address holds the experiment: reloading it brings the same configuration back.
    assert "data.dataset=spiral" in page.url
    page.reload()
    expect(page.get_by_test_id("dataset-spiral")).to_have_attribute("aria-pressed", "true")
    expect(layers).to_have_count(3)
    open_settings(page)
    expect(page.get_by_test_id("epochs")).to_have_value(LONG_RUN_EPOCHS)
    expect(page.get_by_test_id("status")).to_have_text("idle")

    stop_run(page, live_server, run_id)  # the paused run lives on on the server


def test_an_invalid_setting_is_refused_with_the_field_named(page: Page, live_server) -> None:
    page.goto(live_server.base_url + "/")
    open_settings(page)
    page.get_by_test_id("epochs").fill("999999999")
    page.get_by_test_id("play").click()
    expect(page.get_by_test_id("error")).to_contain_text("Invalid setting")
    expect(page.get_by_test_id("error")).to_contain_text("spec.train.epochs")
    expect(page.get_by_test_id("status")).to_have_text("idle")


def test_a_diverged_run_says_so(page: Page, live_server) -> None:
    page.goto(live_server.base_url + "/")
    page.get_by_test_id("preset-learning-rate-too-high").click()
    page.get_by_test_id("play").click()
    expect(page.get_by_test_id("run-failed")).to_contain_text("diverged")
    expect(page.get_by_test_id("run-failed")).to_contain_text("learning rate")
    expect(page.get_by_test_id("status")).to_have_text("failed")


def test_a_finished_run_reopens_from_the_history(page: Page, live_server) -> None:
    page.goto(live_server.base_url + "/")
    page.get_by_test_id("preset-single-neuron").click()
    expect(page.get_by_test_id("layer")).to_have_count(0)
    page.get_by_test_id("play").click()
    expect(page.get_by_test_id("status")).to_have_text("succeeded")
    finished_epoch = epoch_of(page)
    assert finished_epoch == 50

    # Start afresh on another dataset, then reopen the finished run from the history.
    page.get_by_test_id("reset").click()
    page.get_by_test_id("dataset-xor").click()
    expect(page.get_by_test_id("epoch")).to_have_text("0")
    row = page.get_by_test_id("history-row").filter(has_text="gauss").filter(has_text="succeeded").first
    row.get_by_test_id("open-run").click()

    expect(page.get_by_test_id("status")).to_have_text("succeeded")
    expect(page.get_by_test_id("epoch")).to_have_text(str(finished_epoch))
    expect(page.get_by_test_id("dataset-gauss")).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_test_id("test-loss")).to_have_text(LOSS_TEXT)
    page.wait_for_function("() => +document.querySelector('[data-testid=loss-chart]').dataset.points >= 50")
    # The confusion matrix counts every test point (half of the preset's 500) once.
    cells = page.get_by_test_id("confusion").locator("td").all_text_contents()
    assert len(cells) == 4 and sum(map(int, cells)) == 250

    # Ticking it for comparison overlays its curves.
    row.get_by_test_id("compare-run").check()
    page.wait_for_function("() => +document.querySelector('[data-testid=compare-chart]')?.dataset.points >= 50")


def test_an_assignment_link_hides_the_chosen_controls(page: Page, live_server) -> None:
    page.goto(live_server.base_url + "/#data.dataset=xor&hide=lr,noise,advanced")
    expect(page.get_by_test_id("dataset-xor")).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_test_id("learning-rate")).to_have_count(0)
    expect(page.get_by_test_id("noise")).to_have_count(0)
    expect(page.get_by_test_id("advanced")).to_have_count(0)
    expect(page.get_by_test_id("activation")).to_be_visible()

    # A teacher unticks one in the share panel, and the address follows.
    page.get_by_test_id("share").locator("summary").click()
    page.get_by_test_id("hide-noise").uncheck()
    expect(page.get_by_test_id("noise")).to_be_visible()
    page.wait_for_function("() => decodeURIComponent(location.hash).includes('hide=lr,advanced')")


def test_input_features_show_their_maps_and_reach_the_spec(page: Page, live_server) -> None:
    page.goto(live_server.base_url + "/")
    feature = page.get_by_test_id("feature-x1_sq")
    expect(feature).to_have_attribute("aria-pressed", "false")
    feature.click()
    expect(feature).to_have_attribute("aria-pressed", "true")
    expect(feature.locator("canvas")).to_be_visible()  # its map over the plane, from the server
    page.wait_for_function("() => decodeURIComponent(location.hash).includes('x1_sq')")


def test_a_dropped_connection_is_shown_and_the_view_resumes_where_it_stopped(page: Page, live_server) -> None:
    # Every stream socket goes through this route, so the test can cut the connection and refuse
    # reconnections for a while, as a flaky network would.
    urls: list[str] = []
    connected: list[WebSocketRoute] = []
    refusing = {"on": False}

    def route(ws: WebSocketRoute) -> None:
        urls.append(ws.url)
        if refusing["on"]:
            ws.close()
        else:
            ws.connect_to_server()
            connected.append(ws)

    page.route_web_socket(re.compile(r"/stream"), route)
    page.goto(live_server.base_url + "/")
    run_id, _ = play_long_run(page)
    wait_for_epoch_above(page, 2)

    refusing["on"] = True
    connected[-1].close()
    expect(page.get_by_test_id("connection-lost")).to_be_visible()
    expect(page.get_by_test_id("status")).to_have_text("running")  # the run goes on meanwhile

    refusing["on"] = False
    expect(page.get_by_test_id("connection-lost")).to_have_count(0)
    before = epoch_of(page)
    wait_for_epoch_above(page, before + 2)
    # The page started from the stored snapshot, then asked only for the events after the last one it had seen.
    resumed_after = int(re.search(r"after=(\d+)", urls[-1]).group(1))
    assert resumed_after > 0 and "snapshot" not in urls[-1] and urls[0].endswith("after=0&snapshot=true")

    stop_run(page, live_server, run_id)


def test_a_cnn_built_in_the_page_trains_and_shows_its_feature_maps(page: Page, live_server) -> None:
    page.goto(live_server.base_url + "/")
    page.get_by_test_id("data-kind").select_option("image")
    page.get_by_test_id("dataset-digits").click()
    expect(page.get_by_test_id("dataset-digits")).to_have_attribute("aria-pressed", "true")

    # Build conv → maxpool → flatten from scratch; each layer's shape comes back from the server's plan.
    stack = page.get_by_test_id("cnn-layer")
    while stack.count():
        stack.first.get_by_role("button", name=re.compile("remove layer")).click()
    page.get_by_test_id("add-conv2d").click()
    page.get_by_test_id("layer-0-kernel").fill("9")
    page.get_by_test_id("layer-0-padding").select_option("valid")
    expect(page.get_by_test_id("plan-error")).to_contain_text("layer 0 (conv2d)")  # a 9×9 kernel on 8×8 digits
    page.get_by_test_id("layer-0-kernel").fill("3")
    page.get_by_test_id("layer-0-filters").fill("4")
    page.get_by_test_id("add-maxpool2d").click()
    page.get_by_test_id("add-flatten").click()
    expect(page.get_by_test_id("plan-error")).to_have_count(0)
    expect(page.get_by_test_id("layer-shape")).to_have_text(
        ["→ 4×6×6 · 40 parameters", "→ 4×3×3 · 0 parameters", "→ 36 · 0 parameters"])

    run_id, sent = play_long_run(page)
    assert [layer["type"] for layer in sent["model"]["layers"]] == [
        "conv2d", "maxpool2d", "flatten"]

    # The feature maps appear, for every conv and pool layer, and change as the filters learn.
    maps = page.get_by_test_id("feature-maps")
    expect(maps.get_by_test_id("probe").first).to_be_visible()
    expect(maps).to_contain_text("conv1")
    expect(maps).to_contain_text("maxpool1")
    wait_for_pictures_to_change(page, "[data-testid=feature-maps] canvas")
    expect(page.get_by_test_id("filters")).to_contain_text("conv1: 4 filters × 1 input channel")

    stop_run(page, live_server, run_id)


def test_a_lesson_and_the_setting_it_contrasts_with_load_into_the_builder(page: Page, live_server) -> None:
    page.goto(live_server.base_url + "/")
    page.get_by_test_id("preset-cnn-max-vs-average-pooling").click()
    types = page.get_by_test_id("cnn-layer")
    expect(types.nth(1)).to_have_attribute("data-type", "maxpool2d")
    page.get_by_test_id("preset-cnn-max-vs-average-pooling-compare").click()
    expect(types.nth(1)).to_have_attribute("data-type", "avgpool2d")
    expect(page.get_by_test_id("plan")).to_contain_text("parameters in all")


def test_the_reverse_lesson_shows_attention_appear_and_change(page: Page, live_server) -> None:
    page.goto(live_server.base_url + "/")
    page.get_by_test_id("preset-transformer-reverse").click()
    expect(page.get_by_test_id("data-kind")).to_have_value("sequence")
    run_id, sent = play_long_run(page)
    assert [layer["type"] for layer in sent["model"]["layers"]][-1] == "transformer_block"

    # Every layer and head of the probe sequence, changing as the transformer learns to reverse it.
    maps = page.get_by_test_id("attention").get_by_test_id("attention-map")
    expect(maps.first).to_be_visible()
    assert maps.count() == 4  # 2 layers × 2 heads
    wait_for_pictures_to_change(page, "[data-testid=attention-map]")
    # Pointing at a query row says where each head sends it.
    maps.first.hover()
    expect(page.get_by_test_id("attention-query")).to_be_visible()
    expect(page.get_by_test_id("prediction")).to_have_count(4)
    stop_run(page, live_server, run_id)
