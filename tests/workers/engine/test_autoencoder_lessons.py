"""Every autoencoder lesson's claim holds, run as the lesson runs it (one thread, its own seeds; the margins
are wide, and bench/autoencoder_lessons.py checks them over several seeds and thread counts)."""
from __future__ import annotations

import pytest

from workers.engine.kinds.autoencoders.claims import ratio
from workers.engine.kinds.autoencoders.presets import AUTOENCODER_PRESETS
from workers.engine.presets import PRESETS_BY_NAME


def test_every_autoencoder_lesson_states_a_claim_on_the_autoencoder_topic():
    for preset in AUTOENCODER_PRESETS:
        assert PRESETS_BY_NAME[preset["name"]] is preset and "autoencoder" in preset["topics"]
        claim = preset["claim"]
        assert claim["measure"] in ("test_loss", "active_code_units") and 0 < claim["below"] < 1
        assert claim["of"] == "first_epoch" or {claim["run"], claim["of"]} == {"spec", "compare"}


@pytest.mark.parametrize("name", [preset["name"] for preset in AUTOENCODER_PRESETS])
def test_the_lesson_claim_holds(name):
    preset = PRESETS_BY_NAME[name]
    assert ratio(preset) < preset["claim"]["below"]
