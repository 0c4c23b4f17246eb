"""Every lesson names its course topics and states a claim; the 2-D lessons are run as they are, on each
of their claim's seeds, and their claims checked here (a few seconds each). The image and sequence
lessons take minutes at full length: bench/lessons.py checks their claims (and these), bench/RESULTS.md."""
from __future__ import annotations

import json

import pytest

from workers.engine import Limits, Spec, problems
from workers.engine.claims import Claim, check_claim, run_events
from workers.engine.datasets import DATASETS
from workers.engine.presets import PRESETS
from workers.engine.topics import CHAPTERS, TOPICS

# Topics whose lessons other branches add (the generative models and the embeddings); none may stay uncovered
# once they are merged.
ELSEWHERE = {"autoencoder", "gan", "word_embeddings"}
FAST = [p for p in PRESETS if DATASETS[p["spec"]["data"]["dataset"]].kind == "2d"]


def test_every_topic_of_the_course_has_a_lesson():
    named = {topic for preset in PRESETS for topic in preset["topics"]}
    assert set(TOPICS) - named - ELSEWHERE == set()
    assert len(TOPICS) == sum(len(topics) for _, topics in CHAPTERS)  # each topic in one chapter


@pytest.mark.parametrize("preset", PRESETS, ids=lambda p: p["name"])
def test_each_lesson_has_topics_a_claim_and_valid_specs(preset):
    assert preset["topics"] and set(preset["topics"]) <= set(TOPICS)
    claim = Claim.model_validate(preset["claim"])
    uses_compare = any(check.compare is not None or check.run == "compare" for check in claim.checks)
    assert not uses_compare or "compare" in preset
    for body in (preset["spec"], preset.get("compare", {}).get("spec")):
        if body is not None:
            assert problems(Spec.model_validate(body), Limits()) == []


_runs: dict[str, list[dict]] = {}


def cached(body: dict) -> list[dict]:
    """Several lessons compare with the same run (the overfitting network): train each spec once."""
    key = json.dumps(body, sort_keys=True)
    if key not in _runs:
        _runs[key] = run_events(body)
    return _runs[key]


@pytest.mark.parametrize("preset", FAST, ids=lambda p: p["name"])
def test_each_2d_lesson_shows_its_claim(preset):
    verdicts = check_claim(preset, cached)
    assert all(holds for _, holds in verdicts), verdicts
