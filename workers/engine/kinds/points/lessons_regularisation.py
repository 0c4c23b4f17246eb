"""The course's "Regularization" chapter beyond L2, on the overfitting lesson's 150 noisy spiral points:
L1, weight elimination, dropout and early stopping, each against the same network without it."""
from __future__ import annotations

from .lessons import overfit

PLAIN = {"title": "without regularisation", "spec": overfit()}

REGULARISATION_LESSONS: list[dict] = [
    {"name": "l1-sparsity", "title": "L1 drives weights to exactly zero",
     "topics": ["l1"],
     "claim": {"checks": [{"metric": "small_weights", "at_least": 0.85},
                          {"compare": "small_weights", "higher_by": 0.1}], "seeds": [1, 2, 3]},
     "description": "The overfitting lesson with an L1 penalty λ·Σ|w|, λ = 0.003. Its gradient λ·sign(w) "
                    "pulls every weight towards 0 by the same amount however small it already is, so most "
                    "weights end at (almost exactly) 0: about 95 % are below 0.01, a sparse network with few "
                    "live connections (watch the diagram's edges vanish). The comparison uses L2 at λ = 0.01, "
                    "whose pull λ·w fades as w shrinks: weights become small but stay nonzero (about 75 % "
                    "below 0.01).",
     "spec": overfit(l1=0.003), "compare": {"title": "L2 instead (λ = 0.01)", "spec": overfit(l2=0.01)}},
    {"name": "weight-elimination", "title": "Weight elimination prunes small weights, keeps large ones",
     "topics": ["weight_elimination"],
     "claim": {"checks": [{"metric": "small_weights", "at_least": 0.8},
                          {"compare": "small_weights", "higher_by": 0.5}], "seeds": [1, 2, 3]},
     "description": "The overfitting lesson with (soft) weight elimination, λ·Σ w²/(β² + w²) with λ = 0.01, "
                    "β = 1: for |w| ≪ β it is L2's λw²/β², so small weights are pushed to 0, but for |w| ≫ β "
                    "it saturates at λ, so the few weights the data needs are barely penalised. Fewer weights "
                    "means a smaller VC dimension: about 90 % of the weights end below 0.01, against 2 % in the "
                    "unregularised network (the comparison). Its test loss usually ends lower too (1.1 to 1.6 "
                    "against 1.2 to 4.5), but by how much depends on the seed and the CPU's arithmetic.",
     "spec": overfit(weight_elimination={"lambda": 0.01, "beta": 1.0}), "compare": PLAIN},
    {"name": "dropout", "title": "Dropout against overfitting",
     "topics": ["dropout"],
     "claim": {"checks": [{"compare": "test_loss", "ratio_at_most": 0.7},
                          {"compare": "train_loss", "higher_by": 0.1}], "seeds": [1, 2, 3]},
     "description": "The overfitting lesson with dropout rate p = 0.3 after each hidden layer: every training "
                    "step zeroes each hidden unit with probability p and scales the others by 1/(1 − p) "
                    "(inverted dropout), so each step trains another of the 2^N subnetworks and no unit can "
                    "rely on another; at test time all units are on (model averaging). The training loss no "
                    "longer goes to 0, and the test loss ends at less than half the unregularised network's "
                    "(the comparison).",
     "spec": overfit(dropout=0.3), "compare": PLAIN},
    {"name": "early-stopping", "title": "Early stopping keeps the best epoch",
     "topics": ["early_stopping", "overfitting"],
     "claim": {"checks": [{"metric": "epochs", "at_most": 60},
                          {"compare": "test_loss", "ratio_at_most": 0.5}], "seeds": [1, 2, 3]},
     "description": "The overfitting lesson with early stopping, patience 20: training stops once the test "
                    "loss (here the validation set) has not improved for 20 epochs, and the weights of its best "
                    "epoch are restored. The overfitting network's test loss is lowest in its first epochs, so "
                    "the run stops before epoch 30 (of 300) and ends with about a third of the test loss "
                    "that training on to the end gives (the comparison).",
     "spec": overfit(early_stopping={"patience": 20}), "compare": {"title": "training all 300 epochs",
                                                                 "spec": overfit()}},
]
