"""End-to-end: what the page does past TensorFlow Playground (issue 14): live settings marked on the charts,
a run renamed, a link's weight on hover, smoothed curves, the embedded page and a link to one run.

Same fixtures as test_browser.py (a real server, the built page, headless Chromium); no sleeps: every wait is
on a condition in the page or on the server.
"""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_browser import play_long_run, wait_for_epoch_above
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
