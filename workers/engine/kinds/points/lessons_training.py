"""The course's "Training neural networks" and "Optimizers and schedules" chapters as 2-D lessons: batch
against stochastic gradient descent, learning rates too small or too large, initialisation, clipping,
momentum, Nesterov, Adagrad, RMSprop, Adam and schedules. Each contrasts its setting with a `compare` one."""
from __future__ import annotations

from .lessons import CIRCLE, SPIRAL, XOR, adam, layers, plane_gd, sgd, spec

TANH_2x8 = layers(2, 8, "tanh")
PLANE = {"dataset": "plane", "noise": 0.1}


def plane_momentum(nesterov: bool) -> dict:
    return {"data": PLANE, "model": {"layers": []},
            "train": {"loss": "mse", "optimizer": sgd(0.06, momentum=0.9, nesterov=nesterov), "batch_size": 250,
                      "epochs": 40}}


TRAINING_LESSONS: list[dict] = [
    {"name": "sgd-vs-full-batch", "title": "Stochastic gradient descent against full-batch gradient descent",
     "topics": ["batch_vs_stochastic"],
     "claim": {"checks": [{"compare": "train_loss", "ratio_at_most": 0.3}], "seeds": [1, 2, 3]},
     "description": "Circle, two tanh layers of 8, α = 0.1, 40 epochs. SGD estimates the gradient ĝ on "
                    "mini-batches of m = 10 points: 25 noisy but cheap steps an epoch, and the training loss "
                    "falls below 0.1. The comparison uses all 250 training points for each step (batch gradient "
                    "descent): the exact gradient, but one step an epoch, so after the same 40 epochs it has "
                    "taken 40 steps and its loss is still near 0.6. Watch the loss chart: SGD's curve is "
                    "bumpy, the full batch's smooth and slow.",
     "spec": spec(CIRCLE, TANH_2x8, sgd(0.1), 40),
     "compare": {"title": "full batch (250 points a step)",
                 "spec": spec(CIRCLE, TANH_2x8, sgd(0.1), 40, batch_size=250)}},
    {"name": "learning-rate-too-small", "title": "Too small a learning rate barely moves",
     "topics": ["learning_rate_small"],
     "claim": {"checks": [{"metric": "train_loss", "at_least": 0.6},
                          {"metric": "test_accuracy", "run": "compare", "at_least": 0.9}], "seeds": [1, 2, 3]},
     "description": "XOR, one hidden layer of 4 tanh units, plain SGD at α = 0.001 for 50 epochs: every step "
                    "θ ← θ − α·ĝ is tiny, so after 1,250 steps the loss is still about ln 2 ≈ 0.69, the loss of "
                    "answering ½ everywhere, and the boundary has hardly moved. The comparison, at α = 0.1, "
                    "solves XOR (test accuracy above 90 %) in the same steps.",
     "spec": spec(XOR, layers(1, 4, "tanh"), sgd(0.001), 50),
     "compare": {"title": "learning rate 0.1", "spec": spec(XOR, layers(1, 4, "tanh"), sgd(0.1), 50)}},
    {"name": "glorot-vs-he", "title": "He initialisation keeps a deep ReLU network's signal alive",
     "topics": ["glorot_vs_he", "relu", "vanishing_gradients"],
     "claim": {"checks": [{"compare": "train_loss", "ratio_at_most": 0.5}], "seeds": [1, 2, 3, 4, 5]},
     "description": "Ten ReLU layers of 16 on the circle, plain SGD at 0.01, 15 epochs. A ReLU zeroes half its "
                    "inputs, so a layer keeps the variance of its signal only if Var(w) = 2 / n_in (He): the "
                    "training loss falls to about 0.13 (median of five seeds; one seed in five is still stuck). "
                    "The comparison uses Glorot's Var(w) = 2 / (n_in + n_out) = 1 / 16, made for tanh: each "
                    "layer halves the variance, after ten layers the signal (and the gradient coming back) is "
                    "about 2⁻¹⁰ of what it was, and the loss stays near ln 2 ≈ 0.69 (chance); see grad_norms "
                    "for the first layers.",
     "spec": spec(CIRCLE, layers(10, 16, "relu"), sgd(0.01), 15, init="he_uniform"),
     "compare": {"title": "Glorot initialisation", "spec": spec(CIRCLE, layers(10, 16, "relu"), sgd(0.01), 15)}},
    {"name": "gradient-clipping", "title": "Gradient clipping bounds every step",
     "topics": ["gradient_clipping", "exploding_gradients"],
     "claim": {"checks": [{"metric": "diverged_epoch", "at_least": 1e9}, {"metric": "train_loss", "at_most": 0.05},
                          {"metric": "diverged_epoch", "run": "compare", "at_most": 60}]},
     "description": "The diverging lesson (full-batch gradient descent on the plane at α = 0.25, past the "
                    "stability limit) with the gradient's norm clipped to 0.5 (g ← g · 0.5 / ‖g‖ when ‖g‖ > 0.5): "
                    "a step is never longer than α · 0.5, so the overshoots cannot grow without bound and the "
                    "run ends with a small training loss, the weights rocking around the minimum. The "
                    "comparison, without clipping, explodes and fails within a few epochs. Clipping is the "
                    "usual cure for exploding gradients in recurrent networks.",
     "spec": plane_gd(0.25, grad_clip=0.5), "compare": {"title": "without clipping", "spec": plane_gd(0.25)}},
    {"name": "momentum", "title": "Momentum accelerates SGD",
     "topics": ["momentum"],
     "claim": {"checks": [{"compare": "train_loss", "ratio_at_most": 0.4}], "seeds": [1, 2, 3]},
     "description": "Circle, two tanh layers of 8, SGD at α = 0.01 for 30 epochs, with momentum φ = 0.9: the "
                    "velocity ν ← φν − αĝ, θ ← θ + ν accumulates the gradients that keep pointing the same way, "
                    "so the steps grow up to 1 / (1 − φ) = 10 times, and the training loss falls below 0.1. "
                    "The comparison, plain SGD at the same α, is still near 0.5.",
     "spec": spec(CIRCLE, TANH_2x8, sgd(0.01, momentum=0.9), 30),
     "compare": {"title": "plain SGD", "spec": spec(CIRCLE, TANH_2x8, sgd(0.01), 30)}},
    {"name": "nesterov", "title": "Nesterov momentum damps the oscillation",
     "topics": ["nesterov", "momentum"],
     "claim": {"checks": [{"compare": "train_loss", "ratio_at_most": 0.5}], "seeds": [1, 2, 3]},
     "description": "A linear model of the tilted plane by full-batch gradient descent, α = 0.06, φ = 0.9: the "
                    "loss is a ravine (the weights' curvature is about twelve times the bias's). Classical "
                    "momentum overshoots across the ravine and rocks back and forth (the training loss still "
                    "0.02 to 0.13 after 40 steps); Nesterov's momentum takes the gradient at the look-ahead "
                    "point θ + φν, sees the overshoot coming and damps it: the loss reaches the noise floor "
                    "(about 0.001) in the same steps.",
     "spec": plane_momentum(True), "compare": {"title": "classical momentum", "spec": plane_momentum(False)}},
    {"name": "adagrad-vs-rmsprop", "title": "Adagrad slows itself down; RMSprop does not",
     "topics": ["adagrad", "rmsprop"],
     "claim": {"checks": [{"compare": "train_loss", "higher_by": 0.2}], "seeds": [1, 2, 3]},
     "description": "Circle, two tanh layers of 8, α = 0.01, 40 epochs. Adagrad divides each step by √r, "
                    "where r ← r + ĝ ⊙ ĝ sums every past squared gradient: r only grows, the effective rate "
                    "only shrinks, and the training loss stalls near 0.45. RMSprop (the comparison) replaces the "
                    "sum by a moving average r ← ρr + (1 − ρ) ĝ ⊙ ĝ (ρ = 0.99), which forgets old gradients: "
                    "its rate stays up and the loss falls below 0.1.",
     "spec": spec(CIRCLE, TANH_2x8, {"name": "adagrad", "lr": 0.01}, 40),
     "compare": {"title": "RMSprop", "spec": spec(CIRCLE, TANH_2x8, {"name": "rmsprop", "lr": 0.01}, 40)}},
    {"name": "adam-vs-sgd", "title": "Adam against plain SGD on the spiral",
     "topics": ["adam"],
     "claim": {"checks": [{"compare": "test_accuracy", "higher_by": 0.2}], "seeds": [1, 2, 3]},
     "description": "Three ReLU layers of 16 on the spiral, α = 0.01, 150 epochs. Adam keeps a moving average "
                    "of the gradients (first moment s, as momentum does) and of their squares (second moment r, "
                    "as RMSprop), corrects both for their start at 0, and steps by α·ŝ / √r̂: every weight gets a "
                    "step of about α whatever its gradient's scale. It untangles the spiral (test accuracy "
                    "near 98 %); plain SGD at the same α is still near 60 %.",
     "spec": spec(SPIRAL, layers(3, 16, "relu"), adam(0.01), 150, init="he_uniform"),
     "compare": {"title": "plain SGD", "spec": spec(SPIRAL, layers(3, 16, "relu"), sgd(0.01), 150, init="he_uniform")}},
    {"name": "learning-rate-decay", "title": "A decaying learning rate settles SGD",
     "topics": ["lr_schedules"],
     "claim": {"checks": [{"compare": "train_loss", "ratio_at_most": 0.8}], "seeds": [1, 2, 3]},
     "description": "Circle, two tanh layers of 8, SGD at α = 0.5 for 40 epochs. A large constant α makes "
                    "fast progress, then keeps jumping around the minimum with the noise of each mini-batch. "
                    "The course's linear decay α[t] = (1 − t/τ)·α + (t/τ)·α_τ, here down to α_τ = α/100 at "
                    "τ = 40 epochs, keeps the fast start and then takes ever smaller steps: the training loss "
                    "ends lower than the constant rate's (the comparison). Watch the loss chart's last epochs.",
     "spec": spec(CIRCLE, TANH_2x8, sgd(0.5), 40, schedule={"name": "linear_decay", "epochs": 40, "end_factor": 0.01}),
     "compare": {"title": "a constant rate", "spec": spec(CIRCLE, TANH_2x8, sgd(0.5), 40)}},
]
