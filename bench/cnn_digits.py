"""A CNN on the digits: seconds to 97 % test accuracy, and what streaming the visuals costs.

    python -m bench.cnn_digits [--device cpu|cuda] [--repeats R] [--epochs E] [--write]

On the CPU (one thread, as every training child runs): a two-conv-layer CNN. Measures (1) seconds
from the train() call to the first epoch with test accuracy >= 97 %, streaming at 20 fps, one run per
training seed; (2) epochs/s of the same loop streaming at 20 fps against streaming off, and against a
bare PyTorch loop doing the same training and the same per-epoch evaluation. With --device cuda: the
same with a larger CNN (digits upscaled to 32×32), where the target is the bare loop's rate.
See bench/README.md.
"""
from __future__ import annotations

import argparse
import datetime
import platform
import statistics
import time

import torch
from torch import nn
from torch.nn import functional as F

from workers.engine import Spec
from workers.engine.kinds.images.data import make_images

from .results import RESULTS, one_thread_cpu, replace_section, section_text, write_section
from .timed_run import sync, timed_run

SECTION = "## CNN on digits"
TARGET_ACCURACY = 0.97
TARGETS = {"streaming_cost": 0.10, "bare_cost": 0.10}
CONV = {"type": "conv2d", "kernel": 3, "padding": "same", "activation": "relu"}
POOL = {"type": "maxpool2d", "size": 2}

# The network of the issue: two conv layers. Then a larger one for a GPU: four conv layers with batch norm.
NETWORKS = {
    "cpu": {"image_size": None, "batch_size": 32,
            "layers": [{**CONV, "filters": 16}, POOL, {**CONV, "filters": 32}, POOL, {"type": "flatten"}]},
    "cuda": {"image_size": 32, "batch_size": 64,
             "layers": [{**CONV, "filters": 32, "batchnorm": True}, {**CONV, "filters": 32, "batchnorm": True}, POOL,
                        {**CONV, "filters": 64, "batchnorm": True}, {**CONV, "filters": 64, "batchnorm": True}, POOL,
                        {**CONV, "filters": 128, "batchnorm": True}, {"type": "global_avgpool"}]},
}


def spec(device: str, epochs: int, max_fps: float, seed: int = 1) -> Spec:
    net = NETWORKS[device]
    return Spec.model_validate({
        "data": {"dataset": "digits", "n_samples": 1797, "noise": 0.0, "test_fraction": 0.5,
                 "image_size": net["image_size"]},
        "model": {"layers": net["layers"], "init": "he_uniform"},
        "train": {"optimizer": {"name": "adam", "lr": 0.003}, "batch_size": net["batch_size"], "epochs": epochs,
                  "seed": seed},
        "stream": {"max_fps": max_fps},
    })


def engine(s: Spec, device: str, stop_at_target: bool = False) -> dict:
    return timed_run(s, device, TARGET_ACCURACY, stop_at_target)


def sequential(layers: list[dict], channels: int, size: int, n_classes: int) -> nn.Sequential:
    """The same network as plain torch modules (the bench networks use only these layer kinds)."""
    modules: list[nn.Module] = []
    for layer in layers:
        if layer["type"] == "conv2d":
            modules.append(nn.Conv2d(channels, layer["filters"], 3, padding=1))
            if layer.get("batchnorm"):
                modules.append(nn.BatchNorm2d(layer["filters"]))
            modules.append(nn.ReLU())
            channels = layer["filters"]
        elif layer["type"] == "maxpool2d":
            modules.append(nn.MaxPool2d(2))
            size //= 2
        elif layer["type"] == "flatten":
            modules.append(nn.Flatten())
            channels, size = channels * size * size, 1
        else:  # global_avgpool
            modules.append(nn.AdaptiveAvgPool2d(1))
            modules.append(nn.Flatten())
            size = 1
    modules.append(nn.Linear(channels, n_classes))
    return nn.Sequential(*modules)


def bare(s: Spec, device: str, evaluate: bool = True) -> float:
    """A bare PyTorch loop on the same data and device: shuffled mini-batches, Adam, and (if `evaluate`) the
    loss and accuracy of both splits after every epoch, as the engine measures them. Returns seconds."""
    d, t = s.data, s.train
    train_split, test_split = make_images(d.dataset, d.n_samples, d.noise, d.test_fraction, d.seed, d.image_size)
    x, y = (torch.from_numpy(a).to(device) for a in (train_split.images, train_split.labels))
    x_test, y_test = (torch.from_numpy(a).to(device) for a in (test_split.images, test_split.labels))
    torch.manual_seed(t.seed)
    model = sequential([layer.model_dump() for layer in s.model.layers], x.shape[1], x.shape[2], 10).to(device)
    for module in model.modules():
        if isinstance(module, (nn.Conv2d, nn.Linear)):
            nn.init.kaiming_uniform_(module.weight, nonlinearity="relu")
            nn.init.zeros_(module.bias)
    optimizer = torch.optim.Adam(model.parameters(), lr=t.optimizer.lr)
    shuffle = torch.Generator().manual_seed(t.seed)
    n, size = x.shape[0], t.batch_size
    sync(device)
    start = time.perf_counter()
    for _ in range(t.epochs):
        order = torch.randperm(n, generator=shuffle).to(device)
        xs, ys = x[order], y[order]
        model.train()
        for i in range(0, n, size):
            loss = F.cross_entropy(model(xs[i:i + size]), ys[i:i + size])
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
        if evaluate:
            model.eval()
            with torch.inference_mode():
                values = []
                for images, labels in ((x, y), (x_test, y_test)):
                    out = torch.cat([model(chunk) for chunk in images.split(500)])
                    values += [F.cross_entropy(out, labels), (out.argmax(1) == labels).float().mean()]
                torch.stack(values).tolist()
    sync(device)
    return time.perf_counter() - start


def measure(device: str, epochs: int, repeats: int) -> dict:
    torch.set_num_threads(1)  # one core, as workers/local.py runs every training child
    engine(spec(device, 2, 20), device), engine(spec(device, 2, 0), device), bare(spec(device, 2, 0), device)  # warm-up
    to_target = []
    for seed in range(1, repeats + 1):
        result = engine(spec(device, 100, 20, seed), device, stop_at_target=True)
        to_target.append(result["reached"] or (float("nan"), float("nan")))
    rates = {"stream": [], "off": [], "bare": [], "bare_no_eval": []}
    streamed = []
    for _ in range(repeats):  # interleaved, so background load hits all alike
        on = engine(spec(device, epochs, 20), device)
        rates["stream"].append(epochs / on["seconds"])
        streamed.append(on)
        rates["off"].append(epochs / engine(spec(device, epochs, 0), device)["seconds"])
        rates["bare"].append(epochs / bare(spec(device, epochs, 0), device))
        rates["bare_no_eval"].append(epochs / bare(spec(device, epochs, 0), device, evaluate=False))
    middle = sorted(streamed, key=lambda r: r["seconds"])[len(streamed) // 2]
    return {"device": device, "epochs": epochs, "repeats": repeats, "to_target": to_target,
            "rate": {k: statistics.median(v) for k, v in rates.items()}, "spread": rates, "streamed": middle,
            "steps": -(-899 // NETWORKS[device]["batch_size"])}


def machine(device: str) -> str:
    if device == "cuda":
        return f"{torch.cuda.get_device_name()}, torch {torch.__version__}, Python {platform.python_version()}"
    return one_thread_cpu()


def report(r: dict) -> str:
    device, rate = r["device"], r["rate"]
    seconds = [s for s, _ in r["to_target"]]
    finite = [s for s in seconds if s == s]
    per_seed = ", ".join(f"{s:.2f} s ({e:g})" for s, e in r["to_target"])
    rows = [("engine, streaming at 20 fps", "stream"), ("engine, streaming off", "off"),
            ("bare PyTorch loop, same per-epoch evaluation", "bare"),
            ("bare PyTorch loop, no evaluation", "bare_no_eval")]
    table = ["| run | epochs/s (median) | min – max | vs streaming off | vs bare | ms/step |",
             "|---|---:|---:|---:|---:|---:|"]
    for label, key in rows:
        v, spread = rate[key], r["spread"][key]
        table.append(f"| {label} | {v:.2f} | {min(spread):.2f} – {max(spread):.2f} | {v / rate['off']:.2f} | "
                     f"{v / rate['bare']:.2f} | {1e3 / (v * r['steps']):.2f} |")
    streamed = r["streamed"]
    kinds = ", ".join(f"{k} {n}" for k, n in sorted(streamed["kinds"].items()))
    stream_cost = 1 - rate["stream"] / rate["off"]
    bare_cost = 1 - rate["stream"] / rate["bare"]
    checks = [("streaming costs at most 10% of the training rate", f"(streaming on) runs at "
               f"{1 - stream_cost:.0%} of (off): costs {stream_cost:.0%}", stream_cost <= TARGETS["streaming_cost"])]
    if device == "cuda":
        checks.append(("within 10% of a bare PyTorch loop on the same GPU", f"streaming on runs at "
                       f"{1 - bare_cost:.0%} of the bare loop", bare_cost <= TARGETS["bare_cost"]))
    net = NETWORKS[device]
    described = " → ".join(_name(layer) for layer in net["layers"])
    size = net["image_size"] or 8
    return (f"### {'On a GPU' if device == 'cuda' else 'On the CPU'}\n\n"
            f"Measured {datetime.date.today().isoformat()} on {machine(device)}. Digits {size}×{size}, 899 training "
            f"and 898 test images; {described} → 10; He initialisation, Adam 0.003, batches of "
            f"{net['batch_size']} ({r['steps']} steps an epoch).\n\n"
            f"**Seconds to {TARGET_ACCURACY:.0%} test accuracy** (from the train() call, set-up included, streaming "
            f"at 20 fps): median **{statistics.median(finite):.2f} s** over {len(seconds)} training seeds "
            f"(reached by {len(finite)}); per seed, seconds (epoch): {per_seed}.\n\n"
            f"**Training rate**, {r['repeats']} interleaved repeats of {r['epochs']} epochs each:\n\n"
            + "\n".join(table) +
            f"\n\nWith streaming on, a run of {r['epochs']} epochs sent {streamed['events']} events, "
            f"{streamed['bytes'] / streamed['seconds'] / 1024:.0f} KB/s on the wire ({kinds}).\n\n"
            "| target | measured | |\n|---|---|---|\n"
            + "\n".join(f"| {t} | {m} | {'PASS' if ok else 'FAIL'} |" for t, m, ok in checks) + "\n")


def _name(layer: dict) -> str:
    if layer["type"] == "conv2d":
        return f"conv {layer['filters']}×3×3{' + BN' if layer.get('batchnorm') else ''}"
    return {"maxpool2d": "max pool 2", "flatten": "flatten", "global_avgpool": "global avg pool"}[layer["type"]]


SKELETON = (f"{SECTION}\n\nRegenerate with `python -m bench.cnn_digits --write` (CPU) or "
            "`python -m bench.cnn_digits --device cuda --write` (GPU): each writes its own part; see README.md for "
            "what is measured.\n\n### On the CPU\n\nNot measured yet.\n\n### On a GPU\n\nNot measured yet: no "
            "GPU on the machines these results come from. Run the `--device cuda` command where there is one.\n")


def write(text: str) -> None:
    """Replace this device's part of the section, keeping the other device's."""
    old = section_text(RESULTS.read_text() if RESULTS.exists() else "", SECTION) or SKELETON
    write_section(SECTION, replace_section(old, text.split("\n", 1)[0], text))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--device", choices=["cpu", "cuda"], default="cpu")
    parser.add_argument("--epochs", type=int, default=15)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--write", action="store_true", help=f"write this device's part of {RESULTS.name}")
    args = parser.parse_args()
    if args.device == "cuda" and not torch.cuda.is_available():
        parser.error("--device cuda: torch sees no CUDA device on this machine")
    text = report(measure(args.device, args.epochs, args.repeats))
    print(text)
    if args.write:
        write(text)
        print(f"wrote {SECTION!r} in {RESULTS}")


if __name__ == "__main__":
    main()
