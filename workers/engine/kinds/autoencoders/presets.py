"""The autoencoder lessons: presets on ae-digits and ae-shapes, each a few seconds of CPU training.

Each states its claim in `claim` (workers/engine/claims.py); tests/workers/engine/test_lessons.py checks every
one as the lesson runs, and bench/lessons.py too.
"""
from __future__ import annotations

FLAT = {"type": "flatten"}
ADAM = {"name": "adam", "lr": 0.003}


def hidden(units: int) -> dict:
    return {"type": "dense", "units": units, "activation": "relu"}


def conv(filters: int, stride: int = 2) -> dict:
    return {"type": "conv2d", "filters": filters, "kernel": 3, "stride": stride}


def ae_digits(layers: list[dict], autoencoder: dict, epochs: int) -> dict:
    return {"data": {"dataset": "ae-digits", "n_samples": 1797, "noise": 0.0},
            "model": {"layers": layers, "autoencoder": autoencoder},
            "train": {"optimizer": ADAM, "batch_size": 32, "epochs": epochs}}


def ae_shapes(layers: list[dict], autoencoder: dict, epochs: int) -> dict:
    return {"data": {"dataset": "ae-shapes", "n_samples": 1200, "noise": 0.0},
            "model": {"layers": layers, "autoencoder": autoencoder},
            "train": {"optimizer": ADAM, "batch_size": 32, "epochs": epochs}}


DENSE = [FLAT, hidden(64)]

AUTOENCODER_PRESETS: list[dict] = [
    {"name": "autoencoder-bottleneck", "title": "An autoencoder squeezes digits through a bottleneck",
     "topics": ["autoencoder"],
     "description": "An autoencoder maps its inputs to copies of themselves: 64 pixels → 64 ReLU units → a code "
                    "of 2 units → 64 → 64 pixels, trained on the squared reconstruction error. The bottleneck "
                    "forces a lower-dimensional representation that can approximately reconstruct the digits. "
                    "Watch the latent space: with a code of 2 the code itself is the picture, and digits of one "
                    "class gather in a region of their own, though no label was ever used. The reconstructions "
                    "stay blurry: two numbers are too few to hold a digit. The comparison widens the code to 16 "
                    "units (drawn on its first two principal components): the reconstructions sharpen and the "
                    "test loss ends at less than half the 2-unit code's.",
     "claim": {"checks": [{"compare": "test_loss", "ratio_at_least": 2}]},
     "spec": ae_digits(DENSE, {"code": 2}, 20),
     "compare": {"title": "a code of 16 units", "spec": ae_digits(DENSE, {"code": 16}, 20)}},
    {"name": "autoencoder-denoising", "title": "A denoising autoencoder removes the noise",
     "topics": ["autoencoder"],
     "description": "Both networks are tested on digits with Gaussian pixel noise (σ = 0.5) and scored on how "
                    "close their output comes to the clean digit. This one was trained the same way, a denoising "
                    "autoencoder: fresh noise on every training input, the clean image as the target, so the "
                    "code must keep what makes a digit and drop the noise. The comparison is a plain autoencoder "
                    "trained on clean digits: it learned to copy, so it copies the noise too, and its test loss "
                    "climbs after the first epochs. Watch the reconstructions: the denoising one gives back "
                    "clean strokes; its test loss ends at 0.55 to 0.7 of the plain one's (claimed: below 0.75).",
     "claim": {"checks": [{"compare": "test_loss", "ratio_at_most": 0.75}]},
     "spec": ae_digits(DENSE, {"code": 16, "noise": 0.5, "test_noise": 0.5}, 30),
     "compare": {"title": "a plain autoencoder (trained without noise)",
                 "spec": ae_digits(DENSE, {"code": 16, "noise": 0.0, "test_noise": 0.5}, 30)}},
    {"name": "autoencoder-sparse", "title": "A sparse code: few active units",
     "topics": ["autoencoder", "l1"],
     "description": "A code of 32 ReLU units is wider than the 64-pixel digits need, so a plain autoencoder "
                    "spreads every digit over most of them (about 23 of 32 active). The sparse autoencoder adds a "
                    "sparsity constraint on the code, an L1 penalty λ·Σ|h_j| with λ = 0.001: fewer (active) "
                    "neurons, about 7 per digit, each standing for more of a stroke, at some cost in "
                    "reconstruction. The comparison is the same network without the penalty (claimed: fewer than "
                    "half as many active code units per test digit).",
     "claim": {"checks": [{"compare": "active_code_units", "ratio_at_most": 0.5}]},
     "spec": ae_digits(DENSE, {"code": 32, "code_activation": "relu", "sparsity": 0.001}, 20),
     "compare": {"title": "without the sparsity penalty",
                 "spec": ae_digits(DENSE, {"code": 32, "code_activation": "relu"}, 20)}},
    {"name": "autoencoder-conv-shapes", "title": "A convolutional autoencoder on shapes",
     "topics": ["autoencoder", "cnn_filters"],
     "description": "Lines, squares, circles and triangles through two strided 3×3 convolutions (28 → 14 → 7), "
                    "a code of 8 units, and back: the decoder mirrors the encoder with transposed convolutions "
                    "(7 → 14 → 28). The loss is binary cross-entropy on every pixel: the ink is sparse, and with "
                    "the squared error this network settles on an all-black output. The reconstruction loss "
                    "falls to about half its first epoch's (claimed: below 0.7 of it); the latent space (the "
                    "code's first two principal components) spreads the shapes by kind and place.",
     "claim": {"checks": [{"metric": "test_loss", "at_most": 0.3}]},
     "spec": {**ae_shapes([conv(8), conv(16)], {"code": 8}, 12), "train": {"optimizer": ADAM, "loss": "bce",
                                                                          "batch_size": 32, "epochs": 12}}},
]
