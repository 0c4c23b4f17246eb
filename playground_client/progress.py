"""A progress bar fed by a run's events: epoch of epochs, train and test loss, accuracy, status.

On a terminal it redraws one line with \\r; into a file or pipe it writes a line per tenth of the run
(a log stays readable); in a Jupyter kernel it updates one output cell through IPython's display handle
when IPython is there (no other dependency).
"""
from __future__ import annotations

import sys
import time
from typing import TextIO

WIDTH = 24  # characters of the bar itself
REDRAW_SECONDS = 0.1  # a terminal is redrawn at most this often; the last state is always drawn
LOG_STEPS = 10  # lines a non-terminal gets over a whole run


def describe(run_id: str, epochs: int | None, state: dict) -> str:
    """One line: `run 1a2b [######------] epoch 12/50  train 0.412  test 0.455  acc 0.870  running`."""
    epoch = state.get("epoch", 0.0)
    if epochs:
        done = min(max(epoch / epochs, 0.0), 1.0)
        filled = round(done * WIDTH)
        bar = f"[{'#' * filled}{'-' * (WIDTH - filled)}] epoch {epoch:g}/{epochs}"
    else:
        bar = f"epoch {epoch:g}"
    parts = [f"run {run_id[:8]}", bar]
    for key, label in (("train_loss", "train"), ("test_loss", "test"), ("test_accuracy", "acc")):
        value = state.get(key)
        if isinstance(value, (int, float)):
            parts.append(f"{label} {value:.4g}")
    parts.append(state.get("status", "queued"))
    return "  ".join(parts)


def jupyter_display():
    """IPython's display handle when running in a notebook kernel, else None."""
    ipython = sys.modules.get("IPython")
    if ipython is None:
        return None
    try:
        shell = ipython.get_ipython()
        if shell is None or not hasattr(shell, "kernel"):
            return None
        from IPython.display import display
    except (AttributeError, ImportError):
        return None
    return display


class Progress:
    """Draw the run's progress as its events arrive: `update(event)` each, `close()` at the end."""

    def __init__(self, run_id: str, epochs: int | None, stream: TextIO | None = None):
        self.run_id, self.epochs = run_id, epochs
        self.stream = stream or sys.stderr
        self.state: dict = {}
        self.drawn_at = 0.0
        self.logged_step = -1
        self.terminal = hasattr(self.stream, "isatty") and self.stream.isatty()
        display = jupyter_display() if stream is None else None
        self.handle = display(_Line(""), display_id=True) if display else None

    def update(self, event: dict) -> None:
        kind, data = event.get("type"), event.get("data") or {}
        if kind == "metrics":
            self.state.update({k: data[k] for k in ("train_loss", "test_loss", "test_accuracy") if k in data})
            self.state["epoch"] = event.get("epoch", self.state.get("epoch", 0.0))
        elif kind == "status":
            self.state["status"] = data.get("status", self.state.get("status"))
            if data.get("message"):
                self.state["message"] = data["message"]
        else:
            return
        self.draw(final=False)

    def draw(self, final: bool) -> None:
        line = describe(self.run_id, self.epochs, self.state)
        now = time.monotonic()
        if self.handle is not None:
            if final or now - self.drawn_at >= REDRAW_SECONDS:
                self.handle.update(_Line(line))
                self.drawn_at = now
        elif self.terminal:
            if final or now - self.drawn_at >= REDRAW_SECONDS:
                self.stream.write("\r\x1b[K" + line)
                self.stream.flush()
                self.drawn_at = now
        else:
            step = int(LOG_STEPS * self.state.get("epoch", 0) / self.epochs) if self.epochs else 0
            if final or step > self.logged_step:
                self.stream.write(line + "\n")
                self.stream.flush()
                self.logged_step = step

    def close(self) -> None:
        self.draw(final=True)
        if self.handle is None and self.terminal:
            self.stream.write("\n")
        if self.state.get("message") and self.state.get("status") in ("failed", "cancelled"):
            self.stream.write(f"{self.state['message']}\n")
        self.stream.flush()


class _Line:
    """What a notebook cell shows: the line as text, and as a <progress> bar where HTML renders."""

    def __init__(self, text: str):
        self.text = text

    def __repr__(self) -> str:
        return self.text

    def _repr_html_(self) -> str:
        from html import escape

        return f"<pre style='margin:0'>{escape(self.text)}</pre>"
