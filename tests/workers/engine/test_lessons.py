"""Every lesson names its course topics and states a claim; the 2-D and autoencoder lessons, and the few
sequence lessons that take seconds, are run as they are, on each of their claim's seeds, and their claims
checked here (a few seconds each). The other image and sequence lessons take minutes at full length:
bench/lessons.py checks their claims (and these), bench/RESULTS.md."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from workers.engine import Limits, Spec, problems
from workers.engine.claims import Claim, check_claim, measure, run_events, verdicts
from workers.engine.datasets import DATASETS
from workers.engine.presets import PRESETS
from workers.engine.topics import CHAPTERS, TOPICS

QUICK_SEQUENCES = {"char-embeddings"}  # sequence lessons of a few seconds (a tiny model)
FAST = [p for p in PRESETS
        if DATASETS[p["spec"]["data"]["dataset"]].kind in ("2d", "autoencoder") or p["name"] in QUICK_SEQUENCES]


def test_every_topic_of_the_course_has_a_lesson():
    named = {topic for preset in PRESETS for topic in preset["topics"]}
    assert set(TOPICS) - named == set()
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


ROOT = Path(__file__).resolve().parents[3]
_ONES = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen " \
        "seventeen eighteen nineteen".split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()


def in_words(n: int) -> str:
    """1 to 99 as the docs write them: fifty, fifty-two."""
    return _ONES[n] if n < 20 else _TENS[n // 10] + (f"-{_ONES[n % 10]}" if n % 10 else "")


def test_the_docs_and_the_readme_list_every_lesson():
    lessons = (ROOT / "docs" / "lessons.md").read_text()
    count = in_words(len(PRESETS))
    assert f"returns {count} ready specs" in lessons
    assert f"the {count} ready-made specs" in (ROOT / "README.md").read_text()
    for preset in PRESETS:
        assert f"\n## {preset['name']}: " in lessons, preset["name"]  # its own section
        assert f"[`{preset['name']}`](#" in lessons, preset["name"]  # and its row in the index


def test_the_docs_index_carries_the_benchmarks_figures():
    """docs/lessons.md's "claim: measured" cells are bench/RESULTS.md's, as `python -m bench.lessons` wrote them."""
    from bench.lessons import DOCS, committed, with_figures
    from bench.results import RESULTS

    measured = committed(RESULTS.read_text())
    assert {r["name"] for r in measured} == {p["name"] for p in PRESETS}  # every lesson measured
    assert DOCS.read_text() == with_figures(DOCS.read_text(), measured)


def test_a_claim_reads_a_value_at_the_end_at_its_best_or_as_it_was_at_an_epoch():
    accuracies = [0.1, 0.5, 0.9, 0.8]
    events = [{"type": "metrics", "epoch": float(epoch), "data": {"test_accuracy": a, "test_loss": 1 - a}}
              for epoch, a in enumerate(accuracies, 1)]
    events.append({"type": "status", "epoch": 4.0, "data": {"status": "succeeded"}})
    claim = Claim.model_validate({"checks": [
        {"metric": "test_accuracy", "at_least": 0.8}, {"metric": "test_accuracy", "at": "best", "at_least": 0.9},
        {"metric": "test_accuracy", "until": 2, "at_most": 0.5}, {"metric": "best_epoch", "at_most": 3},
        {"metric": "diverged_epoch", "at_least": 1e9}, {"compare": "test_loss", "until": 2, "lower_by": 0.4}]})
    slower = [{**e, "data": {**e["data"], "test_loss": 1.0}} if e["type"] == "metrics" else e for e in events]
    assert [holds for _, holds in verdicts(claim, [measure(events)], [measure(slower)])] == [True] * 6


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
