"""End-to-end: the GAN lesson trains live, and its samples view (real and generated points over the
discriminator's field) changes frame by frame. No sleeps: every wait is on a condition in the page."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.test_browser import stop_run

FRAMES_JS = "() => Number(document.querySelector('[data-testid=gan-samples]').dataset.frames)"
PIXELS_JS = """() => {
  const canvas = document.querySelector('[data-testid=gan-samples]');
  const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
  let hash = 0;
  for (let i = 0; i < data.length; i += 4) hash = (hash * 31 + data[i] + 7 * data[i + 1] + 13 * data[i + 2]) | 0;
  return hash;
}"""


def test_the_gan_lesson_shows_its_samples_moving(page: Page, live_server) -> None:
    page.goto(live_server.base_url + "/")
    page.get_by_test_id("preset-gan-ring").click()
    with page.expect_response(lambda r: r.url.endswith("/api/v1/runs") and r.request.method == "POST") as created:
        page.get_by_test_id("play").click()
    assert created.value.status == 201, created.value.text()
    sent = created.value.request.post_data_json["spec"]
    assert sent["data"]["dataset"] == "ring" and sent["gan"]["discriminator"]["optimizer"]["lr"] == 0.002

    samples = page.get_by_test_id("gan-samples")
    expect(samples).to_be_visible()
    expect(page.get_by_test_id("boundary")).to_have_count(0)  # a GAN has no decision boundary
    page.wait_for_function(f"() => ({FRAMES_JS})() >= 1")
    first = page.evaluate(PIXELS_JS)
    frames = int(samples.get_attribute("data-frames"))
    # New frames arrive and the picture changes: the generated points move, the field shifts.
    page.wait_for_function(f"() => ({FRAMES_JS})() > {frames} && ({PIXELS_JS})() !== {first}")
    expect(page.get_by_test_id("loss-chart")).to_contain_text("generator")
    expect(page.get_by_test_id("loss-chart")).to_contain_text("discriminator")
    expect(page.get_by_test_id("train-loss")).not_to_have_text("–")
    stop_run(page, live_server, created.value.json()["id"])
