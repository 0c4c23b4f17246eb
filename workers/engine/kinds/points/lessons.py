"""Small builders for the 2-D lessons' specs: each lesson and its comparison differ only where it says."""
from __future__ import annotations

CIRCLE, XOR, SPIRAL = {"dataset": "circle"}, {"dataset": "xor"}, {"dataset": "spiral", "noise": 0.0}
NOISY_SPIRAL = {"dataset": "spiral", "n_samples": 150, "noise": 0.25}  # few noisy points: easy to overfit


def layers(depth: int, units: int, activation: str, **options) -> list[dict]:
    return [{"units": units, "activation": activation, **options} for _ in range(depth)]


def spec(data: dict, hidden: list[dict], optimizer: dict, epochs: int, init: str = "xavier_uniform",
         **train) -> dict:
    return {"data": dict(data), "model": {"layers": hidden, "init": init},
            "train": {"optimizer": optimizer, "epochs": epochs, **train}}


def sgd(lr: float, **options) -> dict:
    return {"name": "sgd", "lr": lr, **options}


def adam(lr: float) -> dict:
    return {"name": "adam", "lr": lr}


def overfit(dropout: float = 0.0, **train) -> dict:
    """The overfitting lesson (150 noisy spiral points, three layers of 32 ReLUs, Adam, 300 epochs), with
    the regulariser a lesson adds."""
    hidden = layers(3, 32, "relu", **({"dropout": dropout} if dropout else {}))
    return spec(NOISY_SPIRAL, hidden, adam(0.01), 300, init="he_uniform", **train)


def plane_gd(lr: float, **train) -> dict:
    """Full-batch gradient descent on a linear model of the tilted plane (half the squared error)."""
    return {"data": {"dataset": "plane"}, "model": {"layers": []},
            "train": {"loss": "mse", "optimizer": sgd(lr), "batch_size": 250, "epochs": 200, **train}}
