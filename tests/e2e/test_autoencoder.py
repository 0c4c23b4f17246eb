"""End-to-end: an autoencoder lesson trains live, its latent scatter and its reconstructions changing as it
learns. No sleeps: every wait is on a condition in the page."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.test_browser import play_long_run, stop_run, wait_for_epoch_above, wait_for_pictures_to_change


def test_the_bottleneck_lesson_shows_its_latent_space_and_reconstructions_change(page: Page, live_server) -> None:
    page.goto(live_server.base_url + "/")
    page.get_by_test_id("preset-autoencoder-bottleneck").click()
    expect(page.get_by_test_id("data-kind")).to_have_value("autoencoder")
    expect(page.get_by_test_id("dataset-ae-digits")).to_have_attribute("aria-pressed", "true")
    # The layer stack is the encoder; the code and the mirrored decoder follow it, planned by the server.
    decoder = page.get_by_test_id("decoder-layer")
    expect(decoder).to_have_count(4)
    expect(decoder.first).to_have_text("code → 2 · 130 parameters")
    expect(page.get_by_test_id("code-units")).to_have_value("2")
    run_id, sent = play_long_run(page)
    assert sent["data"]["dataset"] == "ae-digits" and sent["model"]["autoencoder"]["code"] == 2

    latent = page.get_by_test_id("latent")
    expect(latent).to_be_visible()
    expect(latent).to_have_attribute("data-projection", "code")  # a code of two: drawn as it is
    expect(page.get_by_test_id("reconstruction-input")).to_have_count(10)  # one test digit of each class
    expect(page.get_by_test_id("reconstruction-output")).to_have_count(10)
    wait_for_epoch_above(page, 1)
    wait_for_pictures_to_change(page, "[data-testid=latent]")
    wait_for_pictures_to_change(page, "[data-testid=reconstruction-output] canvas")
    expect(page.get_by_test_id("test-accuracy")).to_have_count(0)  # nothing to classify
    stop_run(page, live_server, run_id)


def test_the_denoising_lesson_shows_noisy_inputs_beside_the_clean_digits(page: Page, live_server) -> None:
    page.goto(live_server.base_url + "/")
    page.get_by_test_id("preset-autoencoder-denoising").click()
    expect(page.get_by_test_id("denoising-noise")).to_have_value("0.5")
    page.get_by_test_id("code-units").fill("12")  # a setting of its own, sent with the run
    run_id, sent = play_long_run(page)
    assert sent["model"]["autoencoder"] == {"code": 12, "code_activation": "linear", "noise": 0.5, "test_noise": 0.5,
                                            "sparsity": 0.0}
    expect(page.get_by_test_id("latent")).to_have_attribute("data-projection", "pca")  # 12 units: projected
    expect(page.get_by_test_id("reconstruction-clean")).to_have_count(10)
    wait_for_pictures_to_change(page, "[data-testid=reconstruction-output] canvas")
    stop_run(page, live_server, run_id)
