"""Sequence specs: widths, layer types, data fields and peeking are refused, naming the field at fault."""
from __future__ import annotations

from workers.engine import Limits, Spec, problems


def found(data: dict, layers: list[dict]) -> list[tuple[tuple, str]]:
    spec = Spec.model_validate({"data": data, "model": {"layers": layers}})
    return [(p.loc, p.msg) for p in problems(spec, Limits())]


EMBED = {"type": "embedding", "dim": 10}


def test_model_width_must_be_divisible_by_heads():
    (loc, msg), = found({"dataset": "reverse"}, [EMBED, {"type": "transformer_block", "heads": 3}])
    assert loc == ("model", "layers", 1, "heads")
    assert msg.startswith("layer 1 (transformer_block)") and "width 10" in msg and "3 heads" in msg
    (loc, msg), = found({"dataset": "reverse"}, [EMBED, {"type": "transformer_block", "heads": 4, "width": 18}])
    assert loc == ("model", "layers", 1, "heads") and "width 18" in msg
    (loc, msg), = found({"dataset": "addition"}, [EMBED, {"type": "decoder_block", "heads": 4}])
    assert loc == ("model", "layers", 1, "heads") and msg.startswith("layer 1 (decoder_block)")


def test_token_networks_start_with_an_embedding():
    (loc, msg), = found({"dataset": "reverse"}, [{"type": "lstm"}])
    assert loc == ("model", "layers", 0, "type") and "embedding" in msg
    (loc, msg), = found({"dataset": "sine"}, [EMBED])
    assert loc == ("model", "layers", 0, "type") and "takes tokens" in msg


def test_layer_types_must_fit_the_kind_of_dataset():
    (loc, msg), = found({"dataset": "reverse"}, [EMBED, {"type": "conv2d"}])
    assert loc == ("model", "layers", 1, "type") and "sequence dataset" in msg
    (loc, msg), = found({"dataset": "digits"}, [{"type": "lstm"}])
    assert loc == ("model", "layers", 0, "type") and "image dataset" in msg
    (loc, _), = found({"dataset": "xor"}, [{"type": "embedding"}])
    assert loc == ("model", "layers", 0, "type")


def test_a_language_model_may_not_see_the_next_character():
    problems_ = found({"dataset": "text"}, [EMBED, {"type": "transformer_block", "heads": 2},
                                            {"type": "gru", "bidirectional": True}])
    assert [loc for loc, _ in problems_] == [("model", "layers", 1, "causal"), ("model", "layers", 2, "bidirectional")]
    assert found({"dataset": "text"}, [EMBED, {"type": "transformer_block", "heads": 2, "causal": True}]) == []


def test_sequence_fields_belong_to_their_tasks():
    (loc, msg), = found({"dataset": "reverse", "delay": 5}, [EMBED])
    assert loc == ("data", "delay") and "copy" not in msg and "length, symbols" in msg
    (loc, _), = found({"dataset": "xor", "length": 5}, [])
    assert loc == ("data", "length")
    (loc, _), = found({"dataset": "copy", "symbols": 40}, [EMBED])
    assert loc == ("data", "symbols")
    (loc, _), = found({"dataset": "sine", "horizon": 32}, [{"type": "gru"}])
    assert loc == ("data", "horizon")
    (loc, _), = found({"dataset": "copy", "delay": 100, "length": 16}, [EMBED])
    assert loc == ("data", "length")  # 132 steps, over the server's 128
