"""PATCH /runs/{id}: a run renamed, before or after it ends; bad names refused, named."""
from __future__ import annotations

QUICK = {"data": {"dataset": "xor", "n_samples": 100}, "model": {"layers": [{"units": 2}]}, "train": {"epochs": 2}}


def test_a_run_is_renamed_and_unnamed(api):
    run = api.submit(QUICK, name="first try")
    api.all_events(run["id"])  # ended: a name changes at any point of a run's life
    renamed = api.http.patch(f"/runs/{run['id']}", json={"name": "  xor, two units  "})
    assert renamed.status_code == 200, renamed.text
    assert renamed.json()["name"] == "xor, two units"
    assert api.run(run["id"])["name"] == "xor, two units"
    assert next(r for r in api.http.get("/runs").json() if r["id"] == run["id"])["name"] == "xor, two units"
    assert {k: v for k, v in api.run(run["id"]).items() if k != "name"} == \
        {k: v for k, v in renamed.json().items() if k != "name"}  # nothing else of the run changed

    for cleared in ("", None):
        assert api.http.patch(f"/runs/{run['id']}", json={"name": cleared}).json()["name"] is None


def test_a_bad_name_is_refused_naming_the_field(api):
    run = api.submit(QUICK)
    for body in ({"name": "x" * 201}, {}, {"name": 3}, {"name": "ok", "status": "succeeded"}):
        refused = api.http.patch(f"/runs/{run['id']}", json=body)
        assert refused.status_code == 422, (body, refused.text)
        assert refused.json()["detail"][0]["loc"][:2] in (["body", "name"], ["body", "status"]), refused.text
    assert api.http.patch("/runs/" + "0" * 32, json={"name": "x"}).status_code == 404
