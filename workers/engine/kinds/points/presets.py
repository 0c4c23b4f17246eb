"""The 2-D lessons: TensorFlow Playground's datasets, each a few seconds of CPU training; the first steps of
the course here, its training, regularisation and activation chapters in lessons_*.py."""
from __future__ import annotations

from .lessons import overfit, plane_gd
from .lessons_networks import NETWORK_LESSONS
from .lessons_regularisation import REGULARISATION_LESSONS
from .lessons_training import TRAINING_LESSONS

BASIC_LESSONS: list[dict] = [
    {"name": "tf-playground", "title": "TensorFlow Playground's default",
     "topics": ["tanh", "loss_functions"],
     "claim": {"checks": [{"metric": "test_accuracy", "at_least": 0.95}]},
     "description": "Circle, features x1 and x2, hidden layers of 4 and 2 tanh units, tanh output, squared "
                    "error, SGD at 0.03, batches of 10, and TF's own start: weights drawn from U(-0.5, 0.5), "
                    "biases 0.1. The network bends a line into a closed curve.",
     "spec": {"data": {"dataset": "circle", "noise": 0.0},
              "model": {"layers": [{"units": 4, "activation": "tanh"}, {"units": 2, "activation": "tanh"}],
                        "output_activation": "tanh", "init": "uniform", "bias_init": 0.1},
              "train": {"loss": "mse", "optimizer": {"name": "sgd", "lr": 0.03}, "batch_size": 10,
                        "epochs": 500}}},
    {"name": "single-neuron", "title": "A single neuron draws a line",
     "topics": ["single_neuron"], "claim": {"checks": [{"metric": "test_accuracy", "at_least": 0.95}]},
     "description": "No hidden layer: logistic regression. Its boundary is a straight line, enough for two blobs.",
     "spec": {"data": {"dataset": "gauss"}, "model": {"layers": []},
              "train": {"optimizer": {"name": "sgd", "lr": 0.1}, "epochs": 50}}},
    {"name": "xor-no-hidden", "title": "XOR defeats a single neuron",
     "topics": ["single_neuron", "xor_hidden_layer"],
     "claim": {"checks": [{"metric": "test_accuracy", "at_most": 0.65},
                         {"compare": "test_accuracy", "lower_by": 0.25}]},
     "description": "No line separates XOR's quadrants: test accuracy stays near chance (at most 65 %). The "
                    "comparison adds one hidden layer of four tanh units and passes 90 %.",
     "spec": {"data": {"dataset": "xor"}, "model": {"layers": []}, "train": {"epochs": 100}},
     "compare": {"title": "one hidden layer of 4 tanh units",
                 "spec": {"data": {"dataset": "xor"}, "model": {"layers": [{"units": 4, "activation": "tanh"}]},
                          "train": {"epochs": 100}}}},
    {"name": "xor-hidden-layer", "title": "One hidden layer solves XOR",
     "topics": ["xor_hidden_layer", "tanh"], "claim": {"checks": [{"metric": "test_accuracy", "at_least": 0.9}]},
     "description": "A 2-4-1 tanh network: each hidden unit draws a line, the output combines them.",
     "spec": {"data": {"dataset": "xor"}, "model": {"layers": [{"units": 4, "activation": "tanh"}]},
              "train": {"optimizer": {"name": "adam", "lr": 0.03}, "epochs": 100}}},
    {"name": "spiral-deep", "title": "Depth untangles a spiral",
     "topics": ["depth_vs_width", "relu"],
     "claim": {"checks": [{"metric": "test_accuracy", "at_least": 0.95},
                         {"compare": "train_loss", "ratio_at_most": 0.1}]},
     "description": "Three hidden ReLU layers of 16 with He initialisation learn the two spirals from raw x1, "
                    "x2 in 150 epochs (test accuracy above 95 %, training loss near 10⁻⁴). The comparison spends "
                    "about the same number of weights (≈ 600) on one hidden layer of 150 ReLUs: each unit adds "
                    "one fold, where stacked layers fold the folds, so its training loss stays hundreds of "
                    "times higher in the same epochs.",
     "spec": {"data": {"dataset": "spiral", "noise": 0.0},
              "model": {"layers": [{"units": 16, "activation": "relu"}] * 3, "init": "he_uniform"},
              "train": {"optimizer": {"name": "adam", "lr": 0.01}, "epochs": 150}},
     "compare": {"title": "one wide layer of 150 units",
                 "spec": {"data": {"dataset": "spiral", "noise": 0.0},
                          "model": {"layers": [{"units": 150, "activation": "relu"}], "init": "he_uniform"},
                          "train": {"optimizer": {"name": "adam", "lr": 0.01}, "epochs": 150}}}},
    {"name": "zero-init-symmetry", "title": "Zero initialisation never breaks symmetry",
     "topics": ["zero_init_symmetry"],
     "claim": {"checks": [{"metric": "distinct_units", "at_most": 1},
                         {"metric": "distinct_units", "run": "compare", "at_least": 8}]},
     "description": "Every weight starts at 0: all sigmoid units of a layer get the same gradient, so they learn, "
                    "but stay identical; eight units do the work of one. (With tanh, 0 in gives 0 out, and "
                    "nothing but the output bias moves at all.) The comparison starts from Glorot's random weights: "
                    "its eight first-layer units all differ.",
     "spec": {"data": {"dataset": "circle"},
              "model": {"init": "zeros", "layers": [{"units": 8, "activation": "sigmoid"}] * 2},
              "train": {"epochs": 100}},
     "compare": {"title": "Glorot initialisation",
                 "spec": {"data": {"dataset": "circle"},
                          "model": {"layers": [{"units": 8, "activation": "sigmoid"}] * 2},
                          "train": {"epochs": 100}}}},
    {"name": "overfitting", "title": "Overfitting: the train/test gap",
     "topics": ["overfitting"],
     "claim": {"checks": [{"metric": "gap", "at_least": 0.5}, {"metric": "best_epoch", "at_most": 20},
                         {"metric": "train_accuracy", "at_least": 0.99}], "seeds": [1, 2, 3]},
     "description": "150 noisy spiral points and three layers of 32 ReLUs, no regularisation: the training "
                    "loss goes to 0 while the test loss climbs from its best in the first epochs.",
     "spec": overfit()},
    {"name": "l2-regularisation", "title": "L2 closes the gap",
     "topics": ["l2", "overfitting"],
     "claim": {"checks": [{"compare": "test_loss", "ratio_at_most": 0.4}], "seeds": [1, 2, 3]},
     "description": "The overfitting lesson with an L2 penalty of 0.01: a smoother boundary, a test loss about "
                    "ten times lower and a higher test accuracy.",
     "spec": overfit(l2=0.01), "compare": {"title": "without the penalty", "spec": overfit()}},
    {"name": "learning-rate-too-high", "title": "Too high a learning rate diverges",
     "topics": ["learning_rate_large"],
     "claim": {"checks": [{"metric": "diverged_epoch", "at_most": 60},
                         {"metric": "train_loss", "run": "compare", "at_most": 0.05}]},
     "description": "Full-batch gradient descent on a linear model at learning rate 0.25, past its stability "
                    "limit: each step overshoots further, the loss grows about fivefold an epoch, and the run "
                    "fails saying it diverged. At 0.1 the same model converges.",
     "spec": plane_gd(0.25), "compare": {"title": "learning rate 0.1", "spec": plane_gd(0.1)}},
    {"name": "softmax-blobs", "title": "Softmax: one output per class",
     "claim": {"checks": [{"metric": "test_accuracy", "at_least": 0.97}]},
     "topics": ["multiclass", "loss_functions"],
     "description": "Three blobs, no hidden layer: g = 3 output units f_in,k = U_kᵀx + b_k, a softmax "
                    "τ_k = exp(f_in,k) / Σ exp(f_in,k') and the softmax cross-entropy loss -log τ_y. The plane is cut "
                    "into three convex regions, one per class, where its own output is the largest; test accuracy "
                    "reaches 100 %.",
     "spec": {"data": {"dataset": "blobs", "classes": 3, "n_samples": 300},
              "model": {"layers": []},
              "train": {"optimizer": {"name": "adam", "lr": 0.03}, "epochs": 20}}},
    {"name": "spirals-three-arms", "title": "Three spiral arms need hidden layers",
     "claim": {"checks": [{"metric": "test_accuracy", "at_least": 0.8}], "seeds": [1, 2, 3]},
     "topics": ["multiclass"],
     "description": "Three interleaved arms: no straight cut separates them, so two hidden ReLU layers bend the "
                    "softmax regions around the arms; test accuracy climbs to about 90 %.",
     "spec": {"data": {"dataset": "spirals", "classes": 3, "n_samples": 300, "noise": 0.0},
              "model": {"layers": [{"units": 16, "activation": "relu"}] * 2, "init": "he_uniform"},
              "train": {"optimizer": {"name": "adam", "lr": 0.03}, "epochs": 150}}},
    {"name": "gradient-check", "title": "Gradient checking: autograd agrees with finite differences",
     "claim": {"checks": [{"metric": "max_relative_error", "at_most": 1e-6}]},
     "topics": ["gradient_checking"],
     "description": "Every 10 epochs, 8 sampled weights of each layer get ∂E/∂w ≈ (E(w + ε) - E(w - ε)) / 2ε "
                    "with ε = 10⁻⁵ on a float64 copy of the tanh network, and autograd's gradient beside it: their "
                    "relative error stays below 10⁻⁷ in every layer, so back-propagation is right.",
     "spec": {"data": {"dataset": "circle"}, "model": {"layers": [{"units": 8, "activation": "tanh"}] * 2},
              "train": {"epochs": 30}, "stream": {"gradient_check": {"epsilon": 1e-5, "every": 10}}}},
    {"name": "gradient-check-broken", "title": "A failing gradient check: ReLU's kinks and too large an ε",
     "claim": {"checks": [{"metric": "max_relative_error", "at_least": 1e-2},
                         {"metric": "max_relative_error", "run": "compare", "at_most": 1e-3}]},
     "topics": ["gradient_checking", "relu"],
     "description": "The same check on a ReLU network with ε = 0.1: a step that large crosses the kink of "
                    "max(0, z) for many points, and a dead unit's weight has gradient 0 where the difference is not, "
                    "so the relative errors reach 0.2 to 1, far above 10⁻⁴: the check fails although autograd is "
                    "right. The comparison uses ε = 10⁻⁵: the errors fall below 10⁻³ (a kink may still show).",
     "spec": {"data": {"dataset": "circle"}, "model": {"layers": [{"units": 8, "activation": "relu"}] * 2},
              "train": {"epochs": 30}, "stream": {"gradient_check": {"epsilon": 0.1, "every": 10}}},
     "compare": {"title": "ε = 10⁻⁵",
                 "spec": {"data": {"dataset": "circle"},
                          "model": {"layers": [{"units": 8, "activation": "relu"}] * 2},
                          "train": {"epochs": 30}, "stream": {"gradient_check": {"epsilon": 1e-5, "every": 10}}}}},
]

POINTS_PRESETS: list[dict] = BASIC_LESSONS + TRAINING_LESSONS + REGULARISATION_LESSONS + NETWORK_LESSONS
