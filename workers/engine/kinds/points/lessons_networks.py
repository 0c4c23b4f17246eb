"""The course's network chapters as 2-D lessons: what a hidden layer can approximate, input features, and
its "Hidden activations": sigmoid against tanh, vanishing gradients, and each ReLU variant."""
from __future__ import annotations

from .lessons import CIRCLE, SPIRAL, adam, layers, sgd, spec

BUMPS = {"dataset": "multi-gauss", "noise": 0.0}


def circle_features(features: list[str]) -> dict:
    return {"data": {"dataset": "circle", "features": features}, "model": {"layers": []},
            "train": {"optimizer": adam(0.1), "epochs": 30}}


def spiral_with(activation: str) -> dict:
    return spec(SPIRAL, layers(3, 16, activation), adam(0.01), 100, init="he_uniform")


ACCURATE = {"checks": [{"metric": "test_accuracy", "at_least": 0.93}], "seeds": [1, 2, 3]}

NETWORK_LESSONS: list[dict] = [
    {"name": "universal-approximation", "title": "One wide hidden layer approximates any smooth function",
     "topics": ["universal_approximation"],
     "claim": {"checks": [{"compare": "test_loss", "ratio_at_most": 0.6}], "seeds": [1, 2, 3]},
     "description": "Regression on six positive and negative bumps with one hidden layer of 64 tanh units. The "
                    "universal approximation theorem: a single hidden layer with enough units approximates any "
                    "continuous function on a bounded region; each unit adds one soft step, and the output sums "
                    "them into bumps. The test loss falls to about 0.013. The comparison has two hidden units: "
                    "two soft steps cannot make six bumps, and its test loss stays near 0.035.",
     "spec": spec(BUMPS, layers(1, 64, "tanh"), adam(0.01), 150),
     "compare": {"title": "two hidden units", "spec": spec(BUMPS, layers(1, 2, "tanh"), adam(0.01), 150)}},
    {"name": "input-features", "title": "The right input features make the circle linear",
     "topics": ["input_features", "single_neuron"],
     "claim": {"checks": [{"metric": "test_accuracy", "at_least": 0.95},
                          {"metric": "test_accuracy", "run": "compare", "at_most": 0.6}], "seeds": [1, 2, 3]},
     "description": "A single neuron (no hidden layer) on the circle, fed x1² and x2² instead of x1 and x2: "
                    "in those features the circle x1² + x2² = r² is a straight line, so logistic regression "
                    "separates it (test accuracy above 95 %). The comparison feeds the raw x1, x2: no line "
                    "separates a disc from its ring, and it stays at chance. A feature can do a hidden "
                    "layer's work.",
     "spec": circle_features(["x1_sq", "x2_sq"]),
     "compare": {"title": "raw x1, x2", "spec": circle_features(["x1", "x2"])}},
    {"name": "sigmoid-vs-tanh", "title": "Sigmoid hidden units learn slower than tanh",
     "topics": ["sigmoid", "tanh"],
     "claim": {"checks": [{"compare": "train_loss", "higher_by": 0.3}], "seeds": [1, 2, 3]},
     "description": "Circle, two hidden layers of 8, SGD at 0.1 for 30 epochs. The logistic sigmoid σ(z) = 1 / "
                    "(1 + e^−z) is not zero-centred (its outputs are all positive, so the next layer's weights "
                    "all move the same way) and its derivative σ(z)(1 − σ(z)) is at most ¼: the training loss "
                    "is still about 0.68 (ln 2 is chance). tanh (the comparison) is zero-centred with "
                    "derivative up to 1, and gets below 0.1 in the same epochs.",
     "spec": spec(CIRCLE, layers(2, 8, "sigmoid"), sgd(0.1), 30),
     "compare": {"title": "tanh", "spec": spec(CIRCLE, layers(2, 8, "tanh"), sgd(0.1), 30)}},
    {"name": "vanishing-gradients", "title": "Six sigmoid layers: the gradient vanishes",
     "topics": ["vanishing_gradients", "sigmoid"],
     "claim": {"checks": [{"metric": "test_accuracy", "at_most": 0.6},
                          {"metric": "test_accuracy", "run": "compare", "at_least": 0.9}], "seeds": [1, 2, 3]},
     "description": "Six sigmoid layers of 8 on the circle, SGD at 0.1, 50 epochs. Back-propagation multiplies "
                    "the gradient by σ'(z) ≤ ¼ at every layer, so the first layer gets less than 4⁻⁶ of it: "
                    "grad_norms shows the first layers' norms orders of magnitude below the output's, and the "
                    "network stays at chance. The comparison uses ReLU (derivative 1 where active) with He "
                    "initialisation: the gradient arrives, and it passes 90 %.",
     "spec": spec(CIRCLE, layers(6, 8, "sigmoid"), sgd(0.1), 50),
     "compare": {"title": "ReLU with He initialisation",
                 "spec": spec(CIRCLE, layers(6, 8, "relu"), sgd(0.1), 50, init="he_uniform")}},
    {"name": "leaky-relu", "title": "Leaky ReLU keeps a slope below zero",
     "topics": ["leaky_relu"], "claim": ACCURATE,
     "description": "Three layers of 8 leaky ReLUs, max(αz, z) with α = 0.01, on the circle at a high SGD rate "
                    "(0.5). A plain ReLU's gradient is 0 for z < 0, so a unit pushed below zero for every input "
                    "is dead for good; a leaky unit keeps the small slope α and can come back. Watch the neuron "
                    "maps: a half-plane with a faint ramp on its dark side. Test accuracy passes 93 %; compare "
                    "with plain ReLU.",
     "spec": spec(CIRCLE, layers(3, 8, "leaky_relu"), sgd(0.5), 30, init="he_uniform"),
     "compare": {"title": "plain ReLU", "spec": spec(CIRCLE, layers(3, 8, "relu"), sgd(0.5), 30, init="he_uniform")}},
    {"name": "prelu", "title": "PReLU learns its own negative slope",
     "topics": ["prelu"], "claim": ACCURATE,
     "description": "Three layers of 16 PReLUs on the spiral (Adam, 100 epochs): max(αz, z) as leaky ReLU, "
                    "but α is a parameter of each unit, learned by back-propagation like the weights. Test "
                    "accuracy passes 93 %; the comparison is plain ReLU (α fixed at 0).",
     "spec": spiral_with("prelu"), "compare": {"title": "ReLU", "spec": spiral_with("relu")}},
    {"name": "elu", "title": "ELU: a smooth ReLU with negative outputs",
     "topics": ["elu"], "claim": ACCURATE,
     "description": "Three layers of 16 ELUs on the spiral: z for z > 0, e^z − 1 below. Its negative outputs "
                    "bring the mean activation towards 0 (as tanh does), and it is smooth at 0, so the neuron "
                    "maps' folds are rounded where ReLU's are sharp. Test accuracy passes 93 %; compare ReLU.",
     "spec": spiral_with("elu"), "compare": {"title": "ReLU", "spec": spiral_with("relu")}},
    {"name": "selu-deep", "title": "SELU trains eight layers with plain SGD",
     "topics": ["selu", "vanishing_gradients"],
     "claim": {"checks": [{"metric": "test_accuracy", "at_least": 0.93},
                          {"metric": "test_accuracy", "run": "compare", "at_most": 0.6}], "seeds": [1, 2, 3]},
     "description": "Eight layers of 16 SELUs, λ·ELU(z) with λ ≈ 1.05 and α ≈ 1.67, on the circle with plain "
                    "SGD at 0.01, and weights of variance 1/n (here Glorot normal, equal to LeCun's for square "
                    "layers). Those constants make the layers self-normalising: activations keep mean 0 and "
                    "variance 1 from layer to layer, so the gradient neither vanishes nor explodes, and test "
                    "accuracy passes 93 %. The comparison, eight sigmoid layers, stays at chance.",
     "spec": spec(CIRCLE, layers(8, 16, "selu"), sgd(0.01), 40, init="xavier_normal"),
     "compare": {"title": "sigmoid",
                 "spec": spec(CIRCLE, layers(8, 16, "sigmoid"), sgd(0.01), 40, init="xavier_normal")}},
    {"name": "softplus", "title": "Softplus: log(1 + e^z), a smooth ReLU",
     "topics": ["softplus"], "claim": ACCURATE,
     "description": "One hidden layer of 8 softplus units on the circle (Adam, 40 epochs). Softplus is a "
                    "smooth approximation of ReLU whose derivative is the sigmoid: never exactly 0, so no unit "
                    "dies, but it saturates only on one side. The eight smooth ramps combine into a round "
                    "boundary; test accuracy passes 93 %.",
     "spec": spec(CIRCLE, layers(1, 8, "softplus"), adam(0.03), 40)},
    {"name": "maxout", "title": "Maxout units: the max of linear pieces",
     "topics": ["maxout"], "claim": ACCURATE,
     "description": "One hidden layer of 4 maxout units on the circle: each computes max(w₁ᵀx + b₁, w₂ᵀx + b₂), "
                    "a convex function made of two planes, and learns its own activation shape (ReLU and "
                    "leaky ReLU are special cases). Four units, eight planes, enough for a polygon around the "
                    "disc: test accuracy passes 93 %.",
     "spec": spec(CIRCLE, layers(1, 4, "maxout"), adam(0.03), 40)},
]
