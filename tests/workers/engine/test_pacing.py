"""When a frame is due (workers/engine/pacing.py)."""
from __future__ import annotations

import math

from workers.engine.pacing import Pacing


def test_a_frame_may_come_early_by_a_share_of_its_gap_but_never_above_max_fps():
    """A batch draws a run's frame with the others' when it is due within half its gap
    (workers/batching.py), so that runs drawn together stay in step; max_fps still bounds it."""
    pacing = Pacing(max_fps=20)
    pacing.gap = 10.0  # its last frame was costly: 10 s of its own time until the next
    pacing.last_own = pacing.own_time() - 6.0  # 6 s of its own time ago
    pacing.last = -math.inf
    assert not pacing.due()
    assert pacing.due(early=0.5)
    assert not pacing.due(early=0.3)
    pacing.last = pacing.last_own = math.inf  # just drawn by the clock: max_fps allows none yet
    assert not pacing.due(early=0.99)
