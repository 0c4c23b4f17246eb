"""Celery queues by what a run needs: convolutions and large networks on `gpu`, small MLPs on `cpu`."""
from __future__ import annotations

from workers.engine import Spec
from workers.routing import queue_for


def queue(model: dict, dataset: str = "xor", threshold: int = 100_000) -> str:
    return queue_for(Spec.model_validate({"data": {"dataset": dataset}, "model": model}), threshold)


def test_small_mlps_train_on_cpu_and_large_ones_on_gpu():
    assert queue({"layers": [{"units": 8}]}) == "cpu"
    assert queue({"layers": [{"units": 256}] * 3}, threshold=100_000) == "gpu"


def test_convolutions_train_on_gpu_even_inside_a_residual_block():
    assert queue({"layers": [{"type": "conv2d"}, {"type": "flatten"}]}, "digits") == "gpu"
    assert queue({"layers": [{"type": "flatten"}, {"type": "residual", "layers": [{"units": 4}]}]}, "digits") == "cpu"
    block = {"type": "residual", "layers": [{"type": "conv2d", "filters": 1}]}
    assert queue({"layers": [block, {"type": "global_avgpool"}]}, "digits") == "gpu"
