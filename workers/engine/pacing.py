"""When a run's next frame is due: at most max_fps a second, and never so often that its frames take more
than their share of the run's own time (the time it is trained, not the time it waits for its turn)."""
from __future__ import annotations

import math
import time

# Computing the visuals may take at most this share of a run's time: where a frame costs more (a large
# model on a slow CPU), frames come less often than max_fps, so that watching never slows training much.
# The run's own time, the time it is advanced: runs sharing a process by slices would otherwise each take
# this share of the wall clock, and twenty of them all of it.
VISUALS_SHARE = 0.05


class Pacing:
    def __init__(self, max_fps: float):
        self.interval = 1 / max_fps if max_fps > 0 else math.inf
        self.gap = 0.0  # of the run's own time between frames, widened when frames are costly: see framed()
        self.last = self.last_own = -math.inf  # the last frame, by the clock and by the run's own time
        self.waited = 0.0  # time that was not its own, up to its last resume or leave
        self.left_at: float | None = None  # when it last stopped training
        self.resumed_at: float | None = None  # since when it trains (None: it does not now)
        self.shared_by = 1  # how many runs train together with it (a batch) since then

    def own_time(self) -> float:
        """The clock less the time that was not this run's: between its slices (waiting for its turn, or
        paused), and in a slice shared by R runs, all but 1/R of it."""
        now = time.monotonic()
        sharing = (now - self.resumed_at) * (1 - 1 / self.shared_by) if self.resumed_at is not None else 0.0
        return now - self.waited - sharing

    def due(self, early: float = 0.0) -> bool:
        """Whether a frame is due now; with `early` (a fraction), also one that its cost would allow that much
        of its gap sooner (never sooner than max_fps allows)."""
        return (time.monotonic() - self.last >= self.interval
                and self.own_time() - self.last_own >= self.gap * (1 - early))

    def framed(self, at: float, cost: float, share: float = VISUALS_SHARE) -> None:
        """A frame was drawn at `at`, costing `cost` seconds of this run's (a batch's frames: their share)."""
        self.last, self.last_own = at, self.own_time() - (time.monotonic() - at) / self.shared_by
        self.gap = cost / share

    def resumed(self, shared_by: int = 1) -> None:
        """It trains again, with `shared_by` runs in all: the time since it left was not its own."""
        now = time.monotonic()
        if self.left_at is not None:
            self.waited += now - self.left_at
        self.resumed_at, self.shared_by = now, shared_by

    def left(self) -> None:
        """It stopped training."""
        if self.resumed_at is None:
            return
        self.left_at = time.monotonic()
        self.waited += (self.left_at - self.resumed_at) * (1 - 1 / self.shared_by)
        self.resumed_at, self.shared_by = None, 1
