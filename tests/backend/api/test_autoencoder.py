"""The autoencoder through the API: its plan shows the code and the mirrored decoder; its lessons carry their
topics and claims; a run streams its latent space and reconstructions."""
from __future__ import annotations

from tests.support import wait_until


def test_plan_lists_the_encoder_the_code_and_the_mirrored_decoder(api):
    spec = {"data": {"dataset": "ae-digits"}, "model": {"layers": [{"type": "flatten"}, {"units": 32}],
                                                        "autoencoder": {"code": 3}}}
    body = api.http.post("/specs/plan", json={"spec": spec}).json()
    assert body["input_shape"] == [1, 8, 8]
    assert [(layer["name"], layer["output_shape"]) for layer in body["layers"]] == [
        ("flatten1", [64]), ("dense1", [32]), ("code", [3]), ("decoder.dense1", [32]), ("decoder.dense2", [64]),
        ("decoder.unflatten", [1, 8, 8])]
    assert body["parameters"] == 64 * 32 + 32 + 32 * 3 + 3 + 3 * 32 + 32 + 32 * 64 + 64


def test_a_spec_for_another_kind_is_refused_naming_model_autoencoder(api):
    response = api.http.post("/runs", json={"spec": {"data": {"dataset": "circle"}, "model": {"autoencoder": {}}}})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "spec", "model", "autoencoder"]


def test_the_lessons_carry_their_topics_and_claims(api):
    presets = {p["name"]: p for p in api.http.get("/presets").json()}
    lesson = presets["autoencoder-denoising"]
    assert lesson["topics"] == ["autoencoder"]
    check = {"compare": "test_loss", "ratio_at_most": 0.75, "at": "final", "run": "lesson"}
    assert lesson["claim"] == {"checks": [check], "seeds": [1]}
    assert lesson["chapter"] == {"number": 10, "title": "Generative models"}


def test_a_run_streams_latent_and_reconstructions(api):
    spec = {"data": {"dataset": "ae-shapes", "n_samples": 60}, "model": {"layers": [{"type": "conv2d", "stride": 2}]},
            "train": {"epochs": 2}}
    run = api.http.post("/runs", json={"spec": spec}).json()
    wait_until(lambda: api.http.get(f"/runs/{run['id']}").json()["status"] == "succeeded")
    types = {e["type"] for e in api.http.get(f"/runs/{run['id']}/events").json()}
    assert {"latent", "reconstructions", "metrics"} <= types and "confusion" not in types
    summary = api.http.get(f"/runs/{run['id']}").json()["summary"]
    assert "test_loss" in summary and "test_accuracy" not in summary
