"""`samples` events (GANs): real and generated points over the discriminator's field."""
from __future__ import annotations

import numpy as np

from workers.engine.events import decode
from workers.engine.kinds.gan.datasets import sample
from workers.engine.probes.samples import SAMPLE_POINTS, SamplesData

from tests.workers.engine.helpers import final, of, run, spec
from tests.workers.engine.test_gan import SMALL


def test_samples_events_carry_real_and_generated_points_over_the_discriminators_field():
    events = run(spec(data={"dataset": "ring", "n_samples": 800}, **SMALL, train={"epochs": 2, "batch_size": 50},
                      stream={"max_fps": 60, "grid": 16}))
    assert final(events)["status"] == "succeeded"
    frames = of(events, "samples")
    assert len(frames) >= 2 and not of(events, "boundary")  # the start's frame and the end's, at least
    for frame in frames:
        SamplesData.model_validate(frame["data"])
    data = frames[-1]["data"]
    assert data["extent"] == [-6.0, 6.0, -6.0, 6.0]
    real, fake, field = decode(data["real"]), decode(data["fake"]), decode(data["discriminator"])
    assert data["real"]["dtype"] == data["fake"]["dtype"] == "float16" and data["discriminator"]["dtype"] == "uint8"
    assert real.shape == fake.shape == (SAMPLE_POINTS, 2) and field.shape == (16, 16)
    assert (data["discriminator"]["min"], data["discriminator"]["max"]) == (0.0, 1.0)
    assert 0 <= field.min() and field.max() <= 1
    train_points = sample("ring", 800, 0.1, seed=1)[:400]
    assert np.allclose(real, train_points[:SAMPLE_POINTS], atol=5e-3)  # float16 of the training points
    assert not np.allclose(decode(frames[0]["data"]["fake"]), fake)  # the generated points moved
    assert (decode(frames[0]["data"]["real"]) == real).all()  # the real ones stay
