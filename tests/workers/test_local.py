"""The embedded runner's training process starts training at once: what is slow to import is imported before it
forks (measured: POST to the first boundary frame 2-4 s before, 60-90 ms after)."""
from __future__ import annotations

import subprocess
import sys

from tests.support import ROOT

# Run in a fresh interpreter: this test process has imported everything already.
FIRST_RUN_IMPORTS = """
import sys
import workers.local  # what the forkserver preloads (backend/runners/local.py PRELOAD)
from workers.engine import Spec, train
before = set(sys.modules)
spec = Spec.model_validate({"data": {"dataset": "circle", "n_samples": 20}, "train": {"epochs": 1}})
events = []
class Idle:
    def poll(self): return None
    def wait(self, timeout): return None
train(spec, events.append, Idle())
assert events[-1]["data"]["status"] == "succeeded", events[-1]
print(sorted(m for m in set(sys.modules) - before if m.startswith(("torch._dynamo", "torch._inductor"))))
"""


def test_a_first_run_does_not_wait_for_torch_dynamo_to_import():
    # torch.optim's Optimizer() imports torch._dynamo on first use: 2-5 s before a run's first event,
    # unless the trainer's own import has paid for it (workers/engine/optim.py).
    done = subprocess.run([sys.executable, "-c", FIRST_RUN_IMPORTS], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
