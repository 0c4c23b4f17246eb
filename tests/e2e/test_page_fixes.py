"""End-to-end: the bugs a first-time user hit on the page (issue 14), each shown fixed in Chromium.

Same fixtures as test_browser.py (a real server, the built page, headless Chromium); no sleeps.
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.conftest import ARTIFACTS, SETTLED_JS
from tests.e2e.test_browser import CANVAS_SUM_JS

# Every element of every panel, checked against its panel: a box that sticks out on the right or
# left (a table's last column under the next view), a panel that scrolls sideways, and the page
# itself wider than the window. Returns one line per offender, so a failure names it.
OVERFLOW_JS = """() => {
  const panels = [...document.querySelectorAll(
    '.workspace > *, .charts > *, .details > *, .wide-view, .lower > *, main > section, main > figure')];
  const name = (el) => el.dataset.testid || el.getAttribute('aria-label') || el.id || el.className || el.tagName;
  const visible = (r) => r.width > 0 && r.height > 0;
  const offenders = [];
  if (document.documentElement.scrollWidth > innerWidth + 1)
    offenders.push(`page ${document.documentElement.scrollWidth} wider than ${innerWidth}`);
  for (const panel of panels) {
    const box = panel.getBoundingClientRect();
    if (!visible(box)) continue;
    if (panel.scrollWidth > panel.clientWidth + 1)
      offenders.push(`${name(panel)} scrolls sideways (${panel.scrollWidth} > ${panel.clientWidth})`);
    for (const el of panel.querySelectorAll('*')) {
      const r = el.getBoundingClientRect();
      if (!visible(r)) continue;
      if (r.right > box.right + 1 || r.left < box.left - 1)
        offenders.push(`${name(el)} [${Math.round(r.left)}, ${Math.round(r.right)}] outside `
          + `${name(panel)} [${Math.round(box.left)}, ${Math.round(box.right)}]`);
    }
  }
  for (const [i, a] of panels.entries()) for (const b of panels.slice(i + 1)) {
    if (a.contains(b) || b.contains(a)) continue;
    const p = a.getBoundingClientRect(), q = b.getBoundingClientRect();
    if (!visible(p) || !visible(q)) continue;
    const overlap = Math.min(p.right, q.right) - Math.max(p.left, q.left) > 1
      && Math.min(p.bottom, q.bottom) - Math.max(p.top, q.top) > 1;
    if (overlap) offenders.push(`${name(a)} overlaps ${name(b)}`);
  }
  return [...new Set(offenders)].slice(0, 20);
}"""

SIZES = [(1280, 800), (1280, 720), (390, 844)]


def check_layout(page: Page, what: str) -> None:
    """At every size, nothing sticks out of its panel; each size leaves a screenshot."""
    found = []
    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_function("([w]) => innerWidth === w", arg=[width])
        page.evaluate(SETTLED_JS)
        offenders = page.evaluate(OVERFLOW_JS)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=ARTIFACTS / f"layout_{what}_{width}x{height}.png", full_page=True)
        found += [f"{width}x{height}: {offender}" for offender in offenders]
    assert not found, f"{what}: {found}"


def check_pictures_grow_and_enlarge(page: Page) -> None:
    """Feature maps, filters and mistakes are wider than the 42 px they were, and a click enlarges one."""
    for view in ("feature-maps", "filters", "misclassified"):
        picture = page.get_by_test_id(view).get_by_test_id("zoomable-picture").first
        expect(picture).to_be_visible()
        assert picture.bounding_box()["width"] > 48, (view, picture.bounding_box())
    page.get_by_test_id("feature-maps").get_by_test_id("zoomable-picture").first.click()
    enlarged = page.locator("dialog[open][data-testid=enlarged-picture] canvas")
    expect(enlarged).to_be_visible()
    assert enlarged.bounding_box()["width"] >= 300
    page.screenshot(path=ARTIFACTS / "layout_cnn_enlarged_feature_map.png")
    page.keyboard.press("Escape")
    expect(enlarged).to_have_count(0)


def run_until(page: Page, lesson: str, *testids: str) -> str:
    """Load a lesson, play it until the views named appear, then stop it: the run's id."""
    page.get_by_test_id(f"preset-{lesson}").click()
    with page.expect_response(lambda r: r.url.endswith("/api/v1/runs") and r.request.method == "POST") as created:
        page.get_by_test_id("play").click()
    for testid in testids:
        expect(page.get_by_test_id(testid).first).to_be_visible(timeout=120_000)
    run_id = created.value.json()["id"]
    page.request.post(f"{page.url.split('#')[0].rstrip('/')}/api/v1/runs/{run_id}/control", data={"action": "stop"})
    return run_id


def test_a_copied_link_keeps_a_learning_rate_equal_to_another_optimizers_default(page: Page, live_server) -> None:
    page.goto(live_server.base_url + "/")
    page.get_by_test_id("learning-rate").select_option("0.01")  # the default page trains with SGD
    page.wait_for_function("() => location.hash.includes('lr=0.01')")
    page.goto(page.url)
    page.reload()
    expect(page.get_by_test_id("learning-rate")).to_have_value("0.01")


def test_thumbnails_are_drawn_after_regression_and_classification_again(page: Page, live_server) -> None:
    page.goto(live_server.base_url + "/")
    blank = ("() => [...document.querySelectorAll('[data-testid=thumbnail]')]"
             ".some((c) => !c.getContext('2d').getImageData(0, 0, c.width, c.height).data.some((v) => v))")
    page.wait_for_function(f"() => !({blank})()")
    for task in ["regression", "classification"]:
        page.get_by_test_id("problem-type").select_option(task)
        page.wait_for_function(f"() => document.querySelectorAll('[data-testid=thumbnail]').length && !({blank})()")


def test_the_lesson_banner_says_when_you_left_it_and_comes_back_with_its_run(page: Page, live_server) -> None:
    page.goto(live_server.base_url + "/")
    page.get_by_test_id("preset-xor-hidden-layer").click()
    expect(page.get_by_test_id("lesson")).to_contain_text("One hidden layer solves XOR")
    page.get_by_test_id("add-layer").click()  # tuning the network stays in the lesson
    expect(page.get_by_test_id("lesson")).to_be_visible()
    page.get_by_test_id("back-to-lesson").wait_for(state="detached")
    page.get_by_test_id("dataset-spiral").click()
    expect(page.get_by_test_id("lesson")).to_have_count(0)
    expect(page.get_by_test_id("lesson-left")).to_contain_text("left the lesson")
    page.get_by_test_id("back-to-lesson").click()
    expect(page.get_by_test_id("dataset-xor")).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_test_id("lesson")).to_contain_text("One hidden layer solves XOR")

    # The lesson's run, reopened after leaving it, brings the banner back.
    page.get_by_test_id("play").click()
    expect(page.get_by_test_id("status")).to_have_text("succeeded", timeout=60_000)
    page.get_by_test_id("dataset-spiral").click()
    expect(page.get_by_test_id("lesson-left")).to_be_visible()
    page.get_by_test_id("history-row").first.get_by_test_id("open-run").click()
    expect(page.get_by_test_id("lesson")).to_contain_text("One hidden layer solves XOR")


def test_no_view_overflows_its_panel_on_a_laptop_or_a_phone(page: Page, live_server) -> None:
    page.goto(live_server.base_url + "/")
    check_layout(page, "points")
    run_until(page, "cnn-edge-detectors", "confusion", "misclassified", "feature-maps", "filters")
    page.set_viewport_size({"width": 1280, "height": 800})
    check_pictures_grow_and_enlarge(page)
    check_layout(page, "cnn")
    page.set_viewport_size({"width": 1280, "height": 800})
    run_until(page, "copy-rnn-vs-lstm", "predictions")
    check_layout(page, "sequence")


def test_a_1280x720_projector_shows_the_loss_chart_and_the_boundary_whole(page: Page, live_server) -> None:
    page.goto(live_server.base_url + "/")  # the page fixture's window is 1280x720
    for testid in ("loss-chart", "boundary"):
        box = page.get_by_test_id(testid).bounding_box()
        assert box["y"] >= 0 and box["y"] + box["height"] <= 720, (testid, box)


def test_on_a_phone_the_boundary_is_within_a_screen_of_play(page: Page, live_server) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.base_url + "/")
    play = page.get_by_test_id("play").bounding_box()
    boundary = page.get_by_test_id("boundary").bounding_box()
    assert boundary["y"] + boundary["height"] - play["y"] <= 844, (play, boundary)
    diagram = page.get_by_test_id("network-diagram")
    assert page.evaluate(
        "(el) => el.scrollWidth <= el.clientWidth + 1 && el.getBoundingClientRect().right <= innerWidth + 1",
        diagram.element_handle())


def test_the_history_shows_settings_and_time_and_the_comparison_names_runs_and_offers_accuracy(
        page: Page, live_server) -> None:
    runs = []
    for lr in (0.1, 0.3):
        spec = {"data": {"dataset": "gauss"}, "model": {"layers": []},
                "train": {"optimizer": {"name": "sgd", "lr": lr}, "epochs": 5}}
        created = page.request.post(f"{live_server.base_url}/api/v1/runs", data={"spec": spec})
        assert created.status == 201, created.text()
        runs.append(created.json()["id"])
    page.goto(live_server.base_url + "/")
    rows = page.get_by_test_id("history-row")
    for newest in range(len(runs)):  # the two runs just made head the history
        row = rows.nth(newest)
        expect(row.get_by_test_id("history-settings")).to_contain_text("sgd")
        expect(row.get_by_test_id("history-time")).to_have_text(re.compile(r"\d\d:\d\d"))
        expect(row.get_by_test_id("history-status")).to_have_text("succeeded")
        row.get_by_test_id("compare-run").check()
    chart = page.get_by_test_id("compare")
    page.wait_for_function("() => +document.querySelector('[data-testid=compare-chart]')?.dataset.points >= 5")
    expect(chart).to_contain_text("gauss · no hidden layer · lr 0.1 test")
    expect(chart).to_contain_text("gauss · no hidden layer · lr 0.3 test")
    assert runs[0][:6] not in chart.text_content()
    page.get_by_test_id("compare-metric").select_option("accuracy")
    expect(chart).to_contain_text("Compare runs: accuracy")
    page.wait_for_function("() => +document.querySelector('[data-testid=compare-chart]')?.dataset.points >= 5")

    # Deleting a run takes it out of the history, the comparison and the server.
    count = rows.count()
    rows.nth(0).get_by_test_id("delete-run").click()
    expect(rows).to_have_count(count - 1)
    expect(chart).not_to_contain_text("lr 0.3 test")
    assert page.request.get(f"{live_server.base_url}/api/v1/runs/{runs[1]}").status == 404


def test_the_api_docs_render_with_nothing_but_the_server_reachable(page: Page, live_server) -> None:
    server = live_server.base_url
    outside: list[str] = []

    def only_the_server(route) -> None:
        if route.request.url.startswith(server):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", only_the_server)
    page.goto(server + "/docs")
    expect(page.locator(".opblock").first).to_be_visible()
    expect(page.locator(".swagger-ui")).to_contain_text("/api/v1/runs")
    assert not outside, outside


def train_to_the_end(page: Page) -> dict:
    """Play a 2-epoch run to the end: its spec and metrics, from the server."""
    with page.expect_response(lambda r: r.url.endswith("/api/v1/runs") and r.request.method == "POST") as created:
        page.get_by_test_id("play").click()
    expect(page.get_by_test_id("status")).to_have_text("succeeded", timeout=60_000)
    run = created.value.json()
    base = page.url.split("#")[0].rstrip("/")
    return {"seed": run["spec"]["train"]["seed"],
            "loss": page.request.get(f"{base}/api/v1/runs/{run['id']}/metrics").json()["train_loss"][0]}


def test_reset_draws_a_new_initialisation_unless_the_seed_is_kept_and_a_link_keeps_it(page: Page, live_server) -> None:
    page.goto(live_server.base_url + "/")
    page.get_by_test_id("advanced").locator("summary").click()
    page.get_by_test_id("epochs").fill("2")
    first = train_to_the_end(page)
    assert page.get_by_test_id("seed").text_content() == str(first["seed"])

    page.get_by_test_id("reset").click()
    expect(page.get_by_test_id("seed")).not_to_have_text(str(first["seed"]))
    second = train_to_the_end(page)
    assert second["seed"] != first["seed"] and second["loss"] != first["loss"]

    # Kept, the seed survives a reset, and the address carries it to whoever opens the link.
    page.get_by_test_id("keep-seed").check()
    page.get_by_test_id("reset").click()
    expect(page.get_by_test_id("seed")).to_have_text(str(second["seed"]))
    assert f"train.seed={second['seed']}" in page.url
    page.reload()
    expect(page.get_by_test_id("seed")).to_have_text(str(second["seed"]))
    page.get_by_test_id("advanced").locator("summary").click()
    expect(page.get_by_test_id("epochs")).to_have_value("2")
    assert train_to_the_end(page) == second  # the exact run again


# Whether any pixel of the canvases a selector matches is not blank (not transparent).
PAINTED_JS = """(selector) => {
  const canvases = [...document.querySelectorAll(selector)];
  const painted = (c) => c.getContext('2d').getImageData(0, 0, c.width, c.height).data.some((v, i) => i % 4 === 3 && v);
  return canvases.length > 0 && canvases.every(painted);
}"""


def test_the_untrained_network_is_drawn_before_play_and_after_every_change(page: Page, live_server) -> None:
    page.goto(live_server.base_url + "/")
    expect(page.get_by_test_id("neuron-map").first).to_be_visible()  # before any Play
    page.wait_for_function(PAINTED_JS, arg="[data-testid=boundary]")
    page.wait_for_function(PAINTED_JS, arg="[data-testid=neuron-map] canvas")
    expect(page.get_by_test_id("status")).to_have_text("idle")
    neurons = page.get_by_test_id("neuron-map").count()

    before = page.evaluate(CANVAS_SUM_JS, "[data-testid=boundary]")
    page.get_by_role("button", name="add a neuron to layer 1").click()
    expect(page.get_by_test_id("neuron-map")).to_have_count(neurons + 1)
    page.wait_for_function(f"([s, before]) => ({CANVAS_SUM_JS})(s) !== before", arg=["[data-testid=boundary]", before])
    expect(page.get_by_test_id("status")).to_have_text("idle")

    # A change of the data: another input feature feeds every neuron, so each map is drawn again; other data
    # is drawn under the same untrained network's output.
    for control, redrawn, changed_spec in (
            ("feature-x1_sq", "[data-testid=neuron-map] canvas", lambda spec: "x1_sq" in spec["data"]["features"]),
            ("dataset-xor", "[data-testid=boundary]", lambda spec: spec["data"]["dataset"] == "xor")):
        before = page.evaluate(CANVAS_SUM_JS, redrawn)
        with page.expect_request(lambda r: r.url.endswith("/api/v1/specs/preview")) as asked:
            page.get_by_test_id(control).click()
        assert changed_spec(asked.value.post_data_json["spec"]), control
        page.wait_for_function(f"([s, before]) => ({CANVAS_SUM_JS})(s) !== before", arg=[redrawn, before])
        expect(page.get_by_test_id("status")).to_have_text("idle")
