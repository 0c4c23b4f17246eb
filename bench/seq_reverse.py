"""A transformer reversing sequences: seconds to 95 % token accuracy, and what streaming the visuals costs.

    python -m bench.seq_reverse [--device cpu|cuda] [--repeats R] [--epochs E] [--write]

On the CPU (one thread, as every training child runs): two blocks of two-head self-attention on reverse
(length 8, 8 letters, 800 training sequences). Measures (1) seconds from the train() call to the first
epoch with test token accuracy >= 95 %, streaming at 20 fps, one run per training seed; (2) training
tokens/s with streaming at 20 fps (attention, time_gradients and predictions events) against streaming
off, and against a bare PyTorch loop training the same SeqNet module the same way without measuring.
See bench/README.md.
"""
from __future__ import annotations

import argparse
import datetime
import json
import platform
import statistics
import time

import numpy as np
import torch
from torch.nn import functional as F

from workers.engine import Spec
from workers.engine.kinds.sequences.model import SeqNet
from workers.engine.kinds.sequences.datasets import IGNORE, make_sequences, sequence_shape

from .results import write_section
from .timed_run import sync, timed_run

SECTION = "## Transformer on reverse"
TARGET_ACCURACY = 0.95
TARGETS = {"streaming_cost": 0.10, "bare_cost": 0.10}
LAYERS = [{"type": "embedding", "dim": 32}, {"type": "positional"},
          {"type": "transformer_block", "heads": 2, "ff": 64}, {"type": "transformer_block", "heads": 2, "ff": 64}]


def spec(epochs: int, max_fps: float, seed: int = 1, n_samples: int = 1000) -> Spec:
    return Spec.model_validate({
        "data": {"dataset": "reverse", "n_samples": n_samples, "test_fraction": 0.2, "length": 8, "symbols": 8},
        "model": {"layers": LAYERS},
        "train": {"optimizer": {"name": "adam", "lr": 0.003}, "batch_size": 32, "epochs": epochs, "seed": seed},
        "stream": {"max_fps": max_fps},
    })


def engine(s: Spec, device: str, stop_at_target: bool = False) -> dict:
    return timed_run(s, device, TARGET_ACCURACY, stop_at_target)


def bare(s: Spec, device: str, measured: bool = False) -> float:
    """The same SeqNet, data, shuffling and Adam in a bare loop, no events; `measured`: with the engine's
    per-epoch loss and token accuracy over both splits (what the metrics events need). Returns seconds."""
    d, t = s.data, s.train
    train_split, test_split = make_sequences(d.dataset, d)
    x, y = (torch.from_numpy(a).to(device) for a in (train_split.inputs, train_split.targets))
    x_all, y_all = (torch.from_numpy(np.concatenate([a, b])).to(device)
                    for a, b in ((train_split.inputs, test_split.inputs), (train_split.targets, test_split.targets)))
    torch.manual_seed(t.seed)
    model = SeqNet(sequence_shape(d.dataset, d), [layer.model_dump() for layer in s.model.layers], 9, 9).to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=t.optimizer.lr)
    shuffle = torch.Generator().manual_seed(t.seed)
    n, size = x.shape[0], t.batch_size
    sync(device)
    start = time.perf_counter()
    for _ in range(t.epochs):
        order = torch.randperm(n, generator=shuffle).to(device)
        xs, ys = x[order], y[order]
        for i in range(0, n, size):
            out = model(xs[i:i + size])
            loss = F.cross_entropy(out.flatten(0, 1), ys[i:i + size].flatten(), ignore_index=IGNORE)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
        if measured:
            model.eval()
            with torch.inference_mode():
                out = model(x_all)
                F.cross_entropy(out.flatten(0, 1), y_all.flatten(), ignore_index=IGNORE).item()
                scored = y_all != IGNORE
                (out.argmax(-1)[scored] == y_all[scored]).float().mean().item()
            model.train()
    sync(device)
    return time.perf_counter() - start


def measure(device: str, repeats: int, epochs: int) -> dict:
    torch.set_num_threads(1)
    reached = []
    for seed in range(1, repeats + 1):
        result = engine(spec(100, 20, seed), device, stop_at_target=True)
        reached.append(result["reached"])
    runs = {"streaming": [], "off": [], "bare": [], "bare_measured": []}
    tokens = int(spec(epochs, 0).data.n_samples * 0.8) * 8 * epochs
    for _ in range(repeats):  # interleaved, so that a load spike hits all three alike
        runs["streaming"].append(engine(spec(epochs, 20), device))
        runs["off"].append(engine(spec(epochs, 0), device))
        runs["bare"].append({"seconds": bare(spec(epochs, 0), device)})
        runs["bare_measured"].append({"seconds": bare(spec(epochs, 0), device, measured=True)})
    seconds = {k: statistics.median(r["seconds"] for r in v) for k, v in runs.items()}
    return {"reached": reached, "seconds": seconds, "tokens_per_second": {k: tokens / v for k, v in seconds.items()},
            "streaming_cost": seconds["streaming"] / seconds["off"] - 1,
            "bare_cost": seconds["off"] / seconds["bare_measured"] - 1,
            "measuring_cost": seconds["bare_measured"] / seconds["bare"] - 1, "events": runs["streaming"][0]["kinds"],
            "bytes": runs["streaming"][0]["bytes"], "epochs": epochs}


def report(device: str, m: dict) -> str:
    times = [f"{r[0]:.1f} s (epoch {r[1]:g})" if r else "not reached" for r in m["reached"]]
    tps = m["tokens_per_second"]
    ok = {k: "yes" if m[k] <= v else "no" for k, v in TARGETS.items()}
    return "\n".join([
        SECTION, "",
        f"`python -m bench.seq_reverse --device {device}` on {platform.machine()}, torch {torch.__version__}, "
        f"{'one thread' if device == 'cpu' else torch.cuda.get_device_name()}, {datetime.date.today()}.",
        "Two transformer blocks (width 32, two heads, feed-forward 64) reversing length-8 sequences of 8 letters, "
        "800 training and 200 test sequences, Adam at 0.003, batches of 32.", "",
        "| measure | value | target | met |", "|---|---|---|---|",
        f"| seconds to 95 % test token accuracy, streaming at 20 fps (per seed) | {', '.join(times)} | | |",
        f"| training tokens/s, streaming at 20 fps | {tps['streaming']:,.0f} | | |",
        f"| training tokens/s, streaming off | {tps['off']:,.0f} | | |",
        f"| training tokens/s, bare PyTorch loop (same model, no measuring) | {tps['bare']:,.0f} | | |",
        f"| training tokens/s, bare loop measuring both splits every epoch, as the metrics need | "
        f"{tps['bare_measured']:,.0f} | | |",
        f"| what measuring every epoch costs the bare loop | {m['measuring_cost']:+.1%} | | |",
        f"| streaming on against off | {m['streaming_cost']:+.1%} | ≤ +10 % | {ok['streaming_cost']} |",
        f"| engine (streaming off) against the bare loop doing the same measuring | {m['bare_cost']:+.1%} | ≤ +10 % "
        f"| {ok['bare_cost']} |",
        "", f"Median of the repeats over {m['epochs']} epochs; events of one streaming run: "
        f"{json.dumps(m['events'])}, {m['bytes'] / 1e6:.2f} MB of JSON.", ""])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--write", action="store_true", help="update this benchmark's section of RESULTS.md")
    args = parser.parse_args()
    text = report(args.device, measure(args.device, args.repeats, args.epochs))
    print(text)
    if args.write:
        heading = SECTION if args.device == "cpu" else f"{SECTION} (CUDA)"
        write_section(heading, text.replace(SECTION, heading, 1))


if __name__ == "__main__":
    main()
