"""What a real server sends (websocket and GET /events) fits the published Event schema, which /openapi.json carries."""
from __future__ import annotations

from workers.engine.event_schema import EVENT_TYPES, Event

SPEC = {"data": {"dataset": "xor", "n_samples": 60}, "model": {"layers": [{"units": 3}]},
        "train": {"epochs": 4}, "stream": {"max_fps": 60, "grid": 16}}


def test_streamed_and_stored_events_fit_the_schema(api):
    run = api.submit(SPEC)
    streamed = api.all_events(run["id"])
    stored = api.http.get(f"/runs/{run['id']}/events").json()
    for event in streamed + stored:
        assert Event.model_validate(event).root.type == event["type"]
    assert streamed[0]["data"] == {"status": "queued", "attempt": 1}  # written by the server, not the engine


def test_the_openapi_document_describes_the_events(api):
    document = api.http.get(api.server.base_url + "/openapi.json").json()
    route = document["paths"]["/api/v1/runs/{run_id}/events"]["get"]
    schema = route["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema["items"] == {"$ref": "#/components/schemas/Event"}
    assert "websocket" in route["description"]
    union = document["components"]["schemas"]["Event"]
    assert union["discriminator"]["propertyName"] == "type"
    assert set(union["discriminator"]["mapping"]) == set(EVENT_TYPES)
    assert {"status", "metrics", "dataset", "boundary", "confusion", "feature_maps", "filters", "misclassified",
            "attention", "hidden_states", "embeddings", "time_gradients", "predictions", "gradient_check",
            "final_weights", "samples", "latent", "reconstructions"} == set(EVENT_TYPES)
