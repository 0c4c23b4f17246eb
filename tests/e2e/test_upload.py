"""End-to-end: a CSV uploaded in the data panel becomes a dataset to pick, its points drawn over two chosen
features; a bad file is told by line and column; a run trains on it live. No sleeps: every wait is on a
condition in the page."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.test_browser import play_long_run, stop_run, wait_for_epoch_above

GOOD = "height,weight,age,kind\n" + "".join(
    f"{150 + (i * 7) % 40},{50 + (i * 11) % 30},{20 + i % 9},{'tall' if (i * 7) % 40 > 20 else 'short'}\n"
    for i in range(60))
BAD = "a,b,y\n1,2,0\n3,oops,1\n"


def choose_file(page: Page, name: str, text: str) -> None:
    page.get_by_test_id("upload-dataset").set_input_files(
        {"name": name, "mimeType": "text/csv", "buffer": text.encode()})


def test_an_uploaded_csv_is_picked_drawn_and_trained(page: Page, live_server) -> None:
    page.goto(live_server.base_url + "/")
    choose_file(page, "broken.csv", BAD)
    expect(page.get_by_test_id("upload-error")).to_contain_text("line 3, column b: 'oops' is not a number")

    choose_file(page, "people-e2e.csv", GOOD)
    chosen = page.get_by_test_id("dataset-people-e2e")
    expect(chosen).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_test_id("upload-error")).to_have_count(0)
    expect(page.get_by_test_id("axis-x")).to_have_value("height")
    expect(page.get_by_test_id("axis-y")).to_have_value("weight")
    expect(page.get_by_test_id("feature-age")).to_be_visible()  # every feature column is an input
    with page.expect_response(lambda r: r.url.endswith("/api/v1/data/preview")
                              and '"axes":["age","weight"]' in (r.request.post_data or "")) as drawn:
        page.get_by_test_id("axis-x").select_option("age")
    assert drawn.value.status == 200 and drawn.value.json()["axes"] == ["age", "weight"]

    run_id, sent = play_long_run(page)
    assert sent["data"]["dataset"] == "people-e2e" and sent["data"]["axes"] == ["age", "weight"]
    wait_for_epoch_above(page, 2)
    expect(page.get_by_test_id("boundary")).to_be_visible()
    stop_run(page, live_server, run_id)
    expect(page.get_by_test_id("status")).to_have_text("cancelled")
    page.get_by_test_id("delete-dataset").click()
    expect(chosen).to_have_count(0)
    expect(page.locator("[data-testid^=dataset-][aria-pressed=true]")).to_have_count(1)  # a built-in one
    expect(page.get_by_test_id("axes")).to_have_count(0)
