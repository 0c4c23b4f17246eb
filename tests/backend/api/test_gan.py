"""GANs through the API: the catalog declares the GAN datasets, bad `gan` sections are 422s naming the field,
a GAN run streams `samples` and exports its two networks (tests/backend/api/test_export_generative.py: the
round trip)."""
from __future__ import annotations

import pytest

from tests.support import wait_until


def locs(response) -> list[tuple]:
    assert response.status_code == 422, response.text
    return [tuple(e["loc"]) for e in response.json()["detail"]]


def test_the_catalog_and_the_presets_know_the_gan(api):
    datasets = {d["name"]: d for d in api.http.get("/catalog").json()["datasets"]}
    for name in ("ring", "grid", "two_moons", "line"):
        assert (datasets[name]["kind"], datasets[name]["task"]) == ("gan", "generation")
        assert "features" not in datasets[name]["parameters"] and "noise" in datasets[name]["parameters"]
    names = {p["name"] for p in api.http.get("/presets").json()}
    assert {"gan-ring", "gan-mode-collapse"} <= names


@pytest.mark.parametrize("spec, loc", [
    ({"data": {"dataset": "circle"}, "gan": {}}, ("body", "spec", "gan")),
    ({"data": {"dataset": "ring"}, "gan": {"noise_dim": 0}}, ("body", "spec", "gan", "noise_dim")),
    ({"data": {"dataset": "ring"}, "gan": {"loss": "wasserstein"}}, ("body", "spec", "gan", "loss")),
    ({"data": {"dataset": "ring"}, "gan": {"discriminator": {"layers": [{"units": 100000}]}}},
     ("body", "spec", "gan", "discriminator", "layers", 0, "units")),
    ({"data": {"dataset": "ring"}, "train": {"loss": "mse"}}, ("body", "spec", "train", "loss")),
])
def test_a_bad_gan_spec_is_422_naming_its_field(api, spec, loc):
    assert loc in locs(api.http.post("/runs", json={"spec": spec}))


def test_a_gan_run_streams_samples_and_exports_both_networks(api):
    run = api.submit({"data": {"dataset": "line", "n_samples": 100}, "model": {"layers": [{"units": 4}]},
                      "gan": {"discriminator": {"layers": [{"units": 4}]}}, "train": {"epochs": 2},
                      "stream": {"max_fps": 5, "grid": 8}})
    with api.stream(run["id"]) as ws:
        events = api.events_until(ws, lambda e: e["type"] == "status" and e["data"]["status"] == "succeeded")
    samples = [e for e in events if e["type"] == "samples"]
    assert samples and samples[-1]["data"]["discriminator"]["shape"] == [8, 8]
    # The recorder writes the history and the final weights as it reads the same events: wait for them.
    metrics = wait_until(lambda: (m := api.http.get(f"/runs/{run['id']}/metrics").json()).get("energy_distance")
                         and len(m["epoch"]) == 2 and m, what="the GAN run's metric history")
    assert len(metrics["energy_distance"]) == len(metrics["generator_loss"]) == 2
    exported = wait_until(lambda: (r := api.http.get(f"/runs/{run['id']}/export?format=pytorch")).status_code != 404
                          and r, what="an answer from export")
    assert exported.status_code == 200 and "def build_discriminator()" in exported.text, exported.text


def test_the_plan_is_the_generators(api):
    planned = api.http.post("/specs/plan", json={"spec": {"data": {"dataset": "ring"}, "gan": {"noise_dim": 3},
                                                          "model": {"layers": [{"units": 4}]}}})
    assert planned.status_code == 200, planned.text
    body = planned.json()
    assert (body["input_shape"], body["output_units"], body["parameters"]) == ([3], 2, 3 * 4 + 4 + 4 * 2 + 2)
