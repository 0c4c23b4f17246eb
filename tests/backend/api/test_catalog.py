"""/health, /catalog and /presets agree with the tables the validation uses."""
from __future__ import annotations

from workers.engine.datasets import DATASETS
from workers.engine.layer_spec import LAYERS
from workers.engine.choices import ACTIVATIONS, INITS
from workers.engine.optim_spec import OPTIMIZERS, SCHEDULES


def test_health(api):
    """The contract's fields, and each dependency checked: embedded, the database alone."""
    assert api.http.get("/health").json() == {"status": "ok", "runner": "local", "database": "sqlite",
                                              "device": "cpu", "checks": {"database": "ok"}}


def test_catalog_lists_every_choice(api):
    catalog = api.http.get("/catalog").json()
    assert [d["name"] for d in catalog["datasets"]] == list(DATASETS)
    assert {d["name"]: (d["kind"], d["task"]) for d in catalog["datasets"]}["plane"] == ("2d", "regression")
    assert [a["name"] for a in catalog["activations"]] == list(ACTIVATIONS)
    assert [i["name"] for i in catalog["inits"]] == list(INITS)
    assert [o["name"] for o in catalog["optimizers"]] == list(OPTIMIZERS)
    assert [s["name"] for s in catalog["schedules"]] == list(SCHEDULES)
    assert {"auto", "bce", "cross_entropy", "mse"} == {loss["name"] for loss in catalog["losses"]}
    sgd = next(o for o in catalog["optimizers"] if o["name"] == "sgd")
    assert sgd["parameters"]["momentum"]["default"] == 0.0
    assert catalog["limits"]["max_layers"] == 10
    assert catalog["layers"][0]["type"] == "dense"


def test_catalog_describes_the_image_datasets_and_layers(api):
    catalog = api.http.get("/catalog").json()
    datasets = {d["name"]: d for d in catalog["datasets"]}
    digits = datasets["digits"]
    assert (digits["kind"], digits["task"], digits["shape"], digits["max_samples"]) == \
        ("image", "classification", [1, 8, 8], 1797)
    assert digits["classes"] == [str(d) for d in range(10)] and len(datasets["shapes"]["classes"]) == 6
    assert datasets["textures"]["shape"] == [3, 32, 32]
    assert "augment" in digits["parameters"] and "features" not in digits["parameters"]
    assert digits["parameters"]["augment"]["properties"]["rotate"]["maximum"] == 45
    assert "augment" not in datasets["xor"]["parameters"] and "features" in datasets["xor"]["parameters"]
    layers = {layer["type"]: layer for layer in catalog["layers"]}
    assert list(layers) == list(LAYERS)
    assert layers["conv2d"]["parameters"]["padding"]["enum"] == ["valid", "same"]
    assert layers["dense"]["datasets"][:3] == ["2d", "image", "sequence"]
    assert layers["conv2d"]["datasets"] == ["image", "autoencoder"]  # an autoencoder's encoder takes them too
    ae = datasets["ae-digits"]
    assert (ae["kind"], ae["task"], ae["shape"], ae["classes"]) == ("autoencoder", "reconstruction", [1, 8, 8],
                                                                    digits["classes"])
    assert not {"augment", "image_size", "features"} & set(ae["parameters"])
    assert [inner["type"] for inner in layers["residual"]["parameters"]["layers"]["default"]] == ["conv2d"] * 2
    assert {"max_filters", "max_kernel", "max_image_size"} <= set(catalog["limits"])


def test_presets_are_valid_specs(api):
    """Each lesson with its topics, its claim (unset fields left out) and the chapter of its main topic."""
    presets = api.http.get("/presets").json()
    assert "tf-playground" in [p["name"] for p in presets]
    softmax = next(p for p in presets if p["name"] == "softmax-blobs")
    assert softmax["claim"] == {"checks": [{"metric": "test_accuracy", "at": "final", "run": "lesson",
                                            "at_least": 0.97}], "seeds": [1]}
    assert softmax["chapter"] == {"number": 2, "title": "Single hidden layer networks"}
    for preset in presets:
        assert api.http.get(f"/presets/{preset['name']}").json() == preset
        assert preset["topics"] and preset["claim"]["checks"] and preset["chapter"]["title"]
        for spec in [preset["spec"]] + ([preset["compare"]["spec"]] if "compare" in preset else []):
            response = api.http.post("/runs", json={"spec": spec})
            assert response.status_code == 201, (preset["name"], response.text)
            # Stopped to free the server; 409 when it has already finished (an autoencoder lesson takes a second).
            assert api.control(response.json()["id"], "stop").status_code in (202, 409)
