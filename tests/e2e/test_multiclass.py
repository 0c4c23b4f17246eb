"""End-to-end: a three-class dataset draws its boundary in three colours; the gradient-check lessons show
a passing and a failing check. No sleeps: every wait is on a condition in the page."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.test_browser import play_long_run, stop_run, wait_for_epoch_above

# The page's CLASS_COLORS (frontend/src/lib/colormap.ts) for classes 0, 1, 2, and its MIDDLE colour: a
# region's colour is MIDDLE + t · (class colour − MIDDLE), t from 0.25 (a tie) to 1 (sure).
SHARES_JS = """(selector) => {
  const middle = [232, 234, 235];
  const classes = [[245, 147, 34], [8, 119, 189], [0, 158, 115]];
  const canvas = document.querySelector(selector);
  if (!canvas) return [0, 0, 0];  // not on the page yet
  const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
  const counts = classes.map(() => 0);
  let pixels = 0;
  for (let i = 0; i < data.length; i += 16) {  // every fourth pixel
    pixels++;
    const p = [data[i] - middle[0], data[i + 1] - middle[1], data[i + 2] - middle[2]];
    classes.forEach((colour, c) => {
      const d = colour.map((v, j) => v - middle[j]);
      const t = (p[0] * d[0] + p[1] * d[1] + p[2] * d[2]) / (d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
      const off = Math.hypot(p[0] - t * d[0], p[1] - t * d[1], p[2] - t * d[2]);
      if (t >= 0.2 && off < 12) counts[c]++;  // on the line from the middle colour to this class's
    });
  }
  return counts.map((n) => n / pixels);
}"""


def wait_for_three_colours(page: Page, canvas: str) -> None:
    """Until each of three class colours covers more than a tenth of the canvas."""
    page.wait_for_function(f"(selector) => ({SHARES_JS})(selector).every((share) => share > 0.1)", arg=canvas)


def test_three_blobs_draw_a_boundary_in_three_colours(page: Page, live_server) -> None:
    page.goto(live_server.base_url + "/")
    page.get_by_test_id("dataset-blobs").click()
    expect(page.get_by_test_id("dataset-blobs")).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_test_id("classes")).to_have_value("3")
    run_id, sent = play_long_run(page)
    assert sent["data"]["dataset"] == "blobs"
    wait_for_epoch_above(page, 2)
    # Each of the three regions covers a good part of the plane (a third each, once learned).
    wait_for_three_colours(page, "[data-testid=boundary]")
    stop_run(page, live_server, run_id)


def test_the_gradient_check_lessons_pass_and_fail(page: Page, live_server) -> None:
    page.goto(live_server.base_url + "/")
    page.get_by_test_id("preset-gradient-check").click()
    page.get_by_test_id("play").click()
    expect(page.get_by_test_id("gradient-check")).to_have_attribute("data-verdict", "good")
    expect(page.get_by_test_id("gradient-check-layer")).to_have_count(3)
    expect(page.get_by_test_id("status")).to_have_text("succeeded")

    page.get_by_test_id("reset").click()
    page.get_by_test_id("preset-gradient-check-broken").click()
    page.get_by_test_id("play").click()
    expect(page.get_by_test_id("gradient-check")).to_have_attribute("data-verdict", "wrong")
    expect(page.get_by_test_id("status")).to_have_text("succeeded")
