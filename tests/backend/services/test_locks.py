"""Locked paths: which name a setting of a spec, which a spec breaks, and which a live change would break."""
from __future__ import annotations

from backend.services.locks import broken_locks, lock_on, path_problems
from workers.engine import Spec

ASSIGNED = Spec.model_validate({"data": {"dataset": "xor"}, "model": {"layers": [{"units": 4}]},
                                "train": {"optimizer": {"name": "sgd", "lr": 0.1}}}).model_dump(mode="json",
                                                                                                by_alias=True)


def test_a_path_must_name_a_setting_of_the_spec():
    paths = ["data.dataset", "model.layers", "model.layers.0.units", "train.grad_clip", "data",
             "train.optimizer.beta", "model.layers.3", "trian.epochs"]
    found = path_problems(ASSIGNED, paths)
    assert [p.loc for p in found] == [("locked", 5), ("locked", 6), ("locked", 7)]
    assert found[0].msg.startswith("train.optimizer.beta is not a setting of this spec: train.optimizer has name, lr")
    assert "index, 0 to 0" in found[1].msg
    assert "the spec has data, model, train, stream" in found[2].msg


def test_a_spec_breaks_each_lock_it_changes_and_only_those():
    changed = {**ASSIGNED, "train": {**ASSIGNED["train"], "optimizer": {**ASSIGNED["train"]["optimizer"], "lr": 0.3},
                                     "epochs": 7}}
    found = broken_locks(ASSIGNED, ["train.optimizer.lr", "model.layers", "data"], changed, "XOR")
    assert [p.loc for p in found] == [("train", "optimizer", "lr")]
    assert found[0].msg == "train.optimizer.lr is locked by the assignment 'XOR' at 0.1; this spec has 0.3"
    fewer = {**ASSIGNED, "model": {**ASSIGNED["model"], "layers": []}}
    found = broken_locks(ASSIGNED, ["model.layers.0.units"], fewer, "XOR")
    assert [p.loc for p in found] == [("model", "layers", 0, "units")] and found[0].msg.endswith("has nothing")


def test_a_live_change_breaks_a_lock_at_above_or_below_its_path():
    assert lock_on(["train.optimizer"], "train.optimizer.lr") == "train.optimizer"
    assert lock_on(["train.optimizer.lr"], "train.optimizer.lr") == "train.optimizer.lr"
    assert lock_on(["train.l2.x"], "train.l2") == "train.l2.x"
    assert lock_on(["train.l1", "data"], "train.l2") is None
    assert lock_on(["train.optimizer.lr"], "train.optimizer.lr2") is None
