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
        self.waited = 0.0  # time that was not its own
        self.left_at: float | None = None  # when it last stopped training
        self.resumed_at = time.monotonic()  # when it last started

    def own_time(self) -> float:
        """The clock less the time this run waited between two slices (for its turn, or paused)."""
        return time.monotonic() - self.waited

    def due(self) -> bool:
        return time.monotonic() - self.last >= self.interval and self.own_time() - self.last_own >= self.gap

    def framed(self, at: float, cost: float, share: float = VISUALS_SHARE) -> None:
        """A frame was drawn at `at`, costing `cost` seconds of this run's (a batch's frames: their share)."""
        self.last, self.last_own = at, self.own_time() - (time.monotonic() - at)
        self.gap = cost / share

    def resumed(self) -> None:
        """It trains again: the time since it left was not its own."""
        self.resumed_at = time.monotonic()
        if self.left_at is not None:
            self.waited += self.resumed_at - self.left_at

    def left(self, shared_by: int = 1) -> None:
        """It stopped training; `shared_by` runs trained together (a batch) since it resumed, each for its
        share of that time."""
        self.left_at = time.monotonic()
        self.waited += (self.left_at - self.resumed_at) * (1 - 1 / shared_by)
