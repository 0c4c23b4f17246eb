"""The GAN lessons: GAN Lab's ring of eight modes, covered, and collapsed onto a few. Their claims are
checked over several seeds by bench/lessons.py, as every lesson's (figures in bench/RESULTS.md and docs/lessons.md)."""
from __future__ import annotations

HIDDEN = [{"units": 64, "activation": "relu"}] * 2


def ring(g_lr: float, d_lr: float) -> dict:
    """G and D of two 64-unit ReLU layers on the ring; Adam with β1 = 0.5 (the usual GAN setting), 3,000 steps."""
    return {"data": {"dataset": "ring", "n_samples": 2000, "noise": 0.2},
            "model": {"layers": HIDDEN},
            "train": {"optimizer": {"name": "adam", "lr": g_lr, "beta1": 0.5}, "batch_size": 100, "epochs": 300},
            "gan": {"noise_dim": 2, "discriminator": {"layers": HIDDEN,
                                                      "optimizer": {"name": "adam", "lr": d_lr, "beta1": 0.5}}}}


GAN_PRESETS: list[dict] = [
    {"name": "gan-ring", "title": "A GAN learns a ring of eight modes",
     "topics": ["gan"],
     "description": "The generator G turns noise z ~ N(0, I) into points; the discriminator D scores each point "
                    "with the probability that it is real (the heatmap: green real, purple generated). They take "
                    "turns: D descends −log D(x) − log(1 − D(G(z))), G descends −log D(G(z)), each with its own "
                    "Adam at learning rate 0.002. G's points spread out, then gather on the modes D still calls "
                    "real, until they cover the eight (all eight in four seeds of five, six in the fifth) and "
                    "D's field fades towards ½: it can no longer tell. The energy distance between G's points "
                    "and the real ones falls from about 2.3 to about 0.05.",
     "spec": ring(0.002, 0.002),
     "claim": {"checks": [{"metric": "modes_covered", "at_least": 6}, {"metric": "energy_distance", "at_most": 0.2}],
               "seeds": [1, 2, 3]}},
    {"name": "gan-mode-collapse", "title": "Mode collapse: a generator that outruns its discriminator",
     "topics": ["gan"],
     "description": "The same GAN with D's learning rate ten times lower than G's (0.0002 against 0.002). D "
                    "learns too slowly to keep up: G finds a spot that D still calls real and moves all its "
                    "points there; by the time D rejects it, G has jumped to the next one. Its points crowd "
                    "onto a few of the eight modes, at most half, instead of spreading over all of them (mode "
                    "collapse), and the energy distance stays several times the balanced run's. The comparison "
                    "is the balanced gan-ring, where D learns as fast as G.",
     "spec": ring(0.002, 0.0002),
     "compare": {"title": "equal learning rates (gan-ring)", "spec": ring(0.002, 0.002)},
     "claim": {"checks": [{"metric": "modes_covered", "at_most": 4}, {"compare": "energy_distance", "higher_by": 0.2}],
               "seeds": [1, 2, 3, 4, 5]}},
]
