"""End-to-end: what the page does past TensorFlow Playground (issue 14): live settings marked on the charts,
a run renamed, a link's weight on hover, smoothed curves, the embedded page and a link to one run.

Same fixtures as test_browser.py (a real server, the built page, headless Chromium); no sleeps: every wait is
on a condition in the page or on the server.
"""

from __future__ import annotations

import base64
import re

import numpy as np
from playwright.sync_api import Page, expect

from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_browser import CANVAS_SUM_JS, play_long_run, wait_for_epoch_above
from tests.e2e.test_page_fixes import check_layout
from tests.support import wait_until


def is_set(response) -> bool:
    return response.url.endswith("/control") and (response.request.post_data_json or {}).get("action") == "set"


def metrics_of(page: Page, live_server, run_id: str) -> dict:
    return page.request.get(f"{live_server.base_url}/api/v1/runs/{run_id}/metrics").json()


def test_a_live_learning_rate_change_reaches_the_run_and_is_marked_on_the_charts(page: Page, live_server) -> None:
    page.goto(live_server.base_url + "/")  # TensorFlow Playground's default: SGD at 0.03
    run_id, sent = play_long_run(page)
    assert sent["train"]["optimizer"] == {"name": "sgd", "lr": 0.03, "momentum": 0, "nesterov": False}
    wait_for_epoch_above(page, 1)

    # While it trains: the learning rate goes to the run through `set`, and the run trains on with it.
    with page.expect_response(is_set) as answered:
        page.get_by_test_id("learning-rate").select_option("0.1")
    assert answered.value.status == 202
    assert answered.value.request.post_data_json["values"] == {"train.optimizer.lr": 0.1}
    expect(page.get_by_test_id("status")).to_have_text("running")
    wait_until(lambda: metrics_of(page, live_server, run_id)["lr"][-1] == 0.1, what="the run's metrics at lr 0.1")
    lrs = metrics_of(page, live_server, run_id)["lr"]
    assert lrs[0] == 0.03 and 0.1 in lrs
    for chart in ("loss-chart", "accuracy-chart", "lr-chart"):
        expect(page.get_by_test_id(chart).get_by_test_id("chart-marker")).to_have_text(["lr 0.1"])

    # While paused: regularization and batch size change live too, each marked where the run stands.
    page.get_by_test_id("play").click()
    expect(page.get_by_test_id("status")).to_have_text("paused")
    with page.expect_response(is_set) as answered:
        page.get_by_test_id("regularization").select_option("l2")
    assert answered.value.status == 202
    assert answered.value.request.post_data_json["values"] == {"train.l2": 0.001}
    markers = page.get_by_test_id("loss-chart").get_by_test_id("chart-marker")
    expect(markers).to_have_text(["lr 0.1", "L2 0.001"])
    assert float(markers.nth(1).get_attribute("data-x")) >= float(markers.nth(0).get_attribute("data-x"))
    with page.expect_response(is_set) as answered:
        page.get_by_test_id("regularization-rate").select_option("0.003")
    assert answered.value.status == 202
    assert answered.value.request.post_data_json["values"] == {"train.l2": 0.003}
    with page.expect_response(is_set) as answered:  # the slider, dragged to 20 (a range input cannot be typed into)
        page.get_by_test_id("batch-size").evaluate(
            "(el) => { el.value = '20'; el.dispatchEvent(new Event('input', {bubbles: true})); }")
    assert answered.value.status == 202
    assert answered.value.request.post_data_json["values"] == {"train.batch_size": 20}
    expect(markers).to_have_text(["lr 0.1", "L2 0.001", "L2 0.003", "batch 20"])
    expect(page.get_by_test_id("status")).to_have_text("paused")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=ARTIFACTS / "live_changes_marked.png", full_page=True)

    # A change that needs a new network says so and stops the run, as TensorFlow Playground resets.
    page.get_by_test_id("dataset-xor").click()
    expect(page.get_by_test_id("restarted")).to_contain_text("Changing the dataset needs a new network")
    expect(page.get_by_test_id("status")).to_have_text("idle")
    wait_until(lambda: page.request.get(f"{live_server.base_url}/api/v1/runs/{run_id}").json()["status"]
               == "cancelled", what="the run stopped")
    expect(page.get_by_test_id("chart-marker")).to_have_count(0)  # a new run, new charts


def test_a_change_undone_while_the_first_is_on_its_way_reaches_the_run_too(page: Page, live_server) -> None:
    """The learning rate set to 0.1 and back to 0.03 before the server has answered the first `set`: the page
    shows 0.03, so the run must end up training at 0.03 (the page once compared with the last accepted value
    and never sent the second change)."""
    page.goto(live_server.base_url + "/")
    run_id, _ = play_long_run(page)
    wait_for_epoch_above(page, 1)
    held = []  # the first `set`, held on its way until the second change is made

    def hold_sets(route) -> None:
        if (route.request.post_data_json or {}).get("action") == "set" and not held:
            held.append(route)
        else:
            route.continue_()
    page.route("**/control", hold_sets)
    page.get_by_test_id("learning-rate").select_option("0.1")
    wait_until(lambda: page.evaluate("true") and held, what="the first change on its way")  # evaluate: events flow
    page.get_by_test_id("learning-rate").select_option("0.03")
    answered = []
    page.on("response", lambda r: answered.append(r.request.post_data_json["values"]) if is_set(r) else None)
    held[0].continue_()
    wait_until(lambda: page.evaluate("true") and len(answered) >= 2, what="the undoing change sent after the first")
    assert answered == [{"train.optimizer.lr": 0.1}, {"train.optimizer.lr": 0.03}]
    wait_until(lambda: metrics_of(page, live_server, run_id)["lr"][-1] == 0.03, what="the run back at lr 0.03")
    assert 0.1 in metrics_of(page, live_server, run_id)["lr"]


def test_a_run_is_renamed_in_the_history_and_keeps_its_name(page: Page, live_server) -> None:
    spec = {"data": {"dataset": "gauss"}, "model": {"layers": []}, "train": {"epochs": 2}}
    created = page.request.post(f"{live_server.base_url}/api/v1/runs", data={"spec": spec})
    run_id = created.json()["id"]
    page.goto(live_server.base_url + "/")
    row = page.get_by_test_id("history-row").first
    expect(row.get_by_test_id("run-name")).to_have_text("gauss · no hidden layer")

    row.get_by_test_id("rename-run").click()
    page.get_by_test_id("rename-input").fill("one neuron, two blobs")
    page.get_by_test_id("rename-input").press("Enter")
    expect(row.get_by_test_id("run-name")).to_have_text("one neuron, two blobs")
    assert page.request.get(f"{live_server.base_url}/api/v1/runs/{run_id}").json()["name"] == "one neuron, two blobs"
    row.get_by_test_id("compare-run").check()
    expect(page.get_by_test_id("compare")).to_contain_text("one neuron, two blobs test")

    # Escape keeps the name; an empty one names the run by its settings again, after a reload too.
    row.get_by_test_id("rename-run").click()
    page.get_by_test_id("rename-input").fill("never mind")
    page.get_by_test_id("rename-input").press("Escape")
    expect(row.get_by_test_id("run-name")).to_have_text("one neuron, two blobs")
    row.get_by_test_id("rename-run").click()
    page.get_by_test_id("rename-input").fill("")
    page.get_by_test_id("rename-input").press("Enter")
    page.reload()
    expect(page.get_by_test_id("history-row").first.get_by_test_id("run-name")).to_have_text("gauss · no hidden layer")


def half_floats(tensor: dict) -> list[float]:
    """A contract Tensor's values (float16, little-endian), flat."""
    return np.frombuffer(base64.b64decode(tensor["data"]), dtype="<f2").astype(float).tolist()


# The middle of an SVG path, in the page's pixels (a straight link's box has no height, so Playwright's own
# hover, which waits for a box, cannot point at it).
MIDDLE_JS = """(path) => {
  const p = path.getPointAtLength(path.getTotalLength() / 2), m = path.getScreenCTM();
  return [p.x * m.a + p.y * m.c + m.e, p.x * m.b + p.y * m.d + m.f];
}"""


def point_at(page: Page, selector: str) -> None:
    x, y = page.locator(selector).evaluate(MIDDLE_JS)
    page.mouse.move(x, y)


def test_a_link_shows_its_weight_and_a_neuron_its_bias_on_hover(page: Page, live_server) -> None:
    with page.expect_response(lambda r: r.url.endswith("/api/v1/specs/preview")) as previewed:
        page.goto(live_server.base_url + "/")
    frame = previewed.value.json()
    expect(page.get_by_test_id("neuron-map").first).to_be_visible()

    # The straight link from x1 to the first neuron of layer 1: weights[0] is out×in, x1 the first input.
    point_at(page, "[data-testid=link][data-link='1:0:0']")
    tip = page.get_by_test_id("weight-tip")
    expect(tip).to_contain_text("→ layer 1, neuron 1: weight ")
    shown = float(re.search(r"weight (-?[\d.e+-]+)", tip.text_content()).group(1))
    assert abs(shown - half_floats(frame["weights"][0])[0]) <= 0.0005 + 1e-9, (shown, tip.text_content())
    page.mouse.move(0, 0)
    expect(tip).to_have_count(0)

    page.get_by_role("button", name="layer 1, neuron 1:").hover()
    enlarged = page.get_by_test_id("enlarged-map")
    expect(enlarged).to_contain_text("layer 1, neuron 1 · bias ")
    bias = float(re.search(r"bias (-?[\d.e+-]+)", enlarged.text_content()).group(1))
    assert abs(bias - half_floats(frame["biases"][0])[0]) <= 0.0005 + 1e-9


def test_the_loss_curves_smooth_with_the_raw_curve_faint_behind_and_the_link_keeps_it(
        page: Page, live_server) -> None:
    spec = {"data": {"dataset": "spiral"}, "model": {"layers": [{"units": 4}]}, "train": {"epochs": 40}}
    run = page.request.post(f"{live_server.base_url}/api/v1/runs", data={"spec": spec}).json()
    wait_until(lambda: page.request.get(f"{live_server.base_url}/api/v1/runs/{run['id']}").json()["status"]
               == "succeeded", what="the run to end")
    page.goto(f"{live_server.base_url}/#run={run['id']}")
    page.wait_for_function("() => +document.querySelector('[data-testid=loss-chart]')?.dataset.points >= 40")
    chart = "[data-testid=loss-chart] canvas"
    raw_lines = page.locator("[data-testid=loss-chart] .u-legend .raw-line")
    expect(raw_lines).to_have_count(0)
    before = page.evaluate(CANVAS_SUM_JS, chart)

    set_smoothing(page, 0.9)
    expect(page.get_by_test_id("smoothing-value")).to_have_text("0.9")
    expect(raw_lines).to_have_count(2)  # train and test, drawn faint under their smoothed curves
    page.wait_for_function(f"([s, before]) => ({CANVAS_SUM_JS})(s) !== before", arg=[chart, before])
    page.wait_for_function("() => location.hash.includes('smooth=0.9')")
    expect(page.locator("[data-testid=accuracy-chart] .u-legend .raw-line")).to_have_count(2)
    page.screenshot(path=ARTIFACTS / "smoothed_curves.png", full_page=True)

    page.reload()
    expect(page.get_by_test_id("smoothing")).to_have_value("0.9")
    set_smoothing(page, 0)
    expect(raw_lines).to_have_count(0)


def set_smoothing(page: Page, weight: float) -> None:
    """Move the smoothing slider as a drag would (a range input cannot be typed into)."""
    page.get_by_test_id("smoothing").evaluate(
        "(el, v) => { el.value = v; el.dispatchEvent(new Event('input', {bubbles: true})); }", str(weight))


def finished_run(page: Page, live_server, **extra) -> dict:
    spec = {"data": {"dataset": "gauss"}, "model": {"layers": [{"units": 2}]}, "train": {"epochs": 5}}
    run = page.request.post(f"{live_server.base_url}/api/v1/runs", data={"spec": spec, **extra}).json()
    wait_until(lambda: page.request.get(f"{live_server.base_url}/api/v1/runs/{run['id']}").json()["status"]
               == "succeeded", what="the run to end")
    return run


def test_a_link_to_a_run_opens_it_read_only_until_a_copy_is_edited(page: Page, live_server) -> None:
    run = finished_run(page, live_server, name="two blobs, two units")
    page.goto(live_server.base_url + "/")
    row = page.get_by_test_id("history-row").first
    link = row.get_by_test_id("run-link").get_attribute("href")
    assert link == f"{live_server.base_url}/#run={run['id']}"

    page.goto(link)
    expect(page.get_by_test_id("read-only")).to_contain_text("two blobs, two units")
    expect(page.get_by_test_id("status")).to_have_text("succeeded")
    expect(page.get_by_test_id("epoch")).to_have_text("5")
    expect(page.get_by_test_id("dataset-gauss")).to_have_attribute("aria-pressed", "true")
    for control in ("play", "step", "reset", "learning-rate", "dataset-xor", "add-layer"):
        expect(page.get_by_test_id(control)).to_be_disabled()
    assert page.evaluate("location.hash") == f"#run={run['id']}"
    page.get_by_test_id("share").locator("summary").click()
    embed_code = page.get_by_test_id("embed-run-code").input_value()
    assert f'<iframe src="{live_server.base_url}/#run={run["id"]}&embed=1"' in embed_code

    # Edit a copy: the run's settings become the page's, the address a link to them, and a change starts afresh.
    page.get_by_test_id("edit-copy").click()
    expect(page.get_by_test_id("read-only")).to_have_count(0)
    expect(page.get_by_test_id("learning-rate")).to_be_enabled()
    page.wait_for_function("() => location.hash.includes('data.dataset=gauss') && !location.hash.includes('run=')")
    page.get_by_test_id("learning-rate").select_option("0.1")
    expect(page.get_by_test_id("status")).to_have_text("idle")

    page.goto(f"{live_server.base_url}/#run={'0' * 32}")
    expect(page.get_by_test_id("error")).to_contain_text("This link's run is not here")
    expect(page.get_by_test_id("dataset-circle")).to_have_attribute("aria-pressed", "true")  # the usual start


def test_an_embedded_page_has_no_chrome_and_works_in_an_iframe(page: Page, live_server) -> None:
    run = finished_run(page, live_server)
    page.goto(f"{live_server.base_url}/#data.dataset=xor&embed=1")
    expect(page.get_by_test_id("boundary")).to_be_visible()
    expect(page.get_by_test_id("dataset-xor")).to_have_attribute("aria-pressed", "true")
    for chrome in ("preset-tf-playground", "history-row", "share"):
        expect(page.get_by_test_id(chrome)).to_have_count(0)
    expect(page.get_by_role("heading", name="Neural Playground")).to_have_count(0)
    out = page.get_by_test_id("open-full-page")
    assert out.get_attribute("href") == "/#data.dataset=xor" and out.get_attribute("target") == "_blank"
    check_layout(page, "embedded")

    # In a course page's iframe (another origin: about:blank), a stored run, embedded and read-only.
    page.set_viewport_size({"width": 1280, "height": 800})
    page.set_content(f'<iframe src="{live_server.base_url}/#run={run["id"]}&embed=1" width="1100" height="760">'
                     "</iframe>")
    inside = page.frame_locator("iframe")
    expect(inside.get_by_test_id("status")).to_have_text("succeeded")
    expect(inside.get_by_test_id("read-only")).to_be_visible()
    inside.locator("[data-testid=loss-chart][data-points='5']").wait_for()
    expect(inside.get_by_test_id("history-row")).to_have_count(0)


def test_a_paused_runs_weight_and_bias_are_set_by_clicking_the_diagram(page: Page, live_server) -> None:
    page.goto(live_server.base_url + "/")
    run_id, _ = play_long_run(page)
    wait_for_epoch_above(page, 1)
    link = "[data-testid=link][data-link='1:0:0']"  # x1 to the first neuron of layer 1: weights.0.0.0
    x, y = page.locator(link).evaluate(MIDDLE_JS)
    page.mouse.click(x, y)
    expect(page.get_by_test_id("weight-editor")).to_have_count(0)  # while it trains, a click edits nothing

    page.get_by_test_id("play").click()
    expect(page.get_by_test_id("status")).to_have_text("paused")
    page.mouse.click(x, y)
    expect(page.get_by_test_id("weight-editor")).to_contain_text("weight x₁ → layer 1, neuron 1")
    page.get_by_test_id("weight-input").fill("2.5")
    with page.expect_response(is_set) as answered:
        page.get_by_test_id("weight-input").press("Enter")
    assert answered.value.status == 202
    assert answered.value.request.post_data_json["values"] == {"weights.0.0.0": 2.5}
    page.mouse.move(0, 0)
    point_at(page, link)  # the frame the run sent at once, though paused, shows the new weight
    expect(page.get_by_test_id("weight-tip")).to_contain_text("weight 2.500 · click to edit")

    page.get_by_role("button", name="layer 1, neuron 1:").click()
    page.get_by_test_id("weight-input").fill("-1")
    with page.expect_response(is_set) as answered:
        page.get_by_test_id("weight-save").click()
    assert answered.value.request.post_data_json["values"] == {"biases.0.0": -1}
    page.get_by_role("button", name="layer 1, neuron 2:").hover()
    page.get_by_role("button", name="layer 1, neuron 1:").hover()
    expect(page.get_by_test_id("enlarged-map")).to_contain_text("bias -1.000")
    expect(page.get_by_test_id("loss-chart").get_by_test_id("chart-marker")).to_have_text(
        ["weight edited", "bias edited"])
    expect(page.get_by_test_id("status")).to_have_text("paused")
    page.request.post(f"{live_server.base_url}/api/v1/runs/{run_id}/control", data={"action": "stop"})
