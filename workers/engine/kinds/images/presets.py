"""The CNN lessons: presets on the image datasets, each a few seconds to a minute of CPU training.

A lesson that contrasts two settings carries the second as `compare`: run both and put their curves,
feature maps and gradient norms side by side. The two specs differ only where the lesson says.
"""
from __future__ import annotations


def conv(filters: int, kernel: int = 3, **options) -> dict:
    return {"type": "conv2d", "filters": filters, "kernel": kernel, **options}


MAXPOOL, AVGPOOL = {"type": "maxpool2d"}, {"type": "avgpool2d"}
FLATTEN, GAP = {"type": "flatten"}, {"type": "global_avgpool"}
ADAM = {"name": "adam", "lr": 0.003}


def shapes(noise: float, layers: list[dict], epochs: int, **train) -> dict:
    return {"data": {"dataset": "shapes", "n_samples": 2000, "noise": noise},
            "model": {"layers": layers},
            "train": {"optimizer": ADAM, "batch_size": 32, "epochs": epochs, **train}}


def digits(layers: list[dict], epochs: int, data: dict | None = None) -> dict:
    return {"data": {"dataset": "digits", "n_samples": 1797, "noise": 0.0, **(data or {})},
            "model": {"layers": layers},
            "train": {"optimizer": ADAM, "batch_size": 32, "epochs": epochs}}


def plain_deep(batchnorm: bool = False) -> list[dict]:
    return [conv(16, batchnorm=batchnorm) for _ in range(9)] + [GAP]


RESIDUAL_DEEP = [conv(16)] + [{"type": "residual", "layers": [conv(16), conv(16, activation="linear")]}] * 4 + [GAP]
SMALL_CNN = [conv(16), MAXPOOL, conv(32), MAXPOOL, FLATTEN, {"units": 64, "activation": "relu"}]
FEW_DIGITS = {"n_samples": 300, "image_size": 16}

CNN_PRESETS: list[dict] = [
    {"name": "cnn-edge-detectors", "title": "Filters become edge detectors",
     "topics": ["cnn_filters"],
     "claim": {"checks": [{"metric": "test_accuracy", "at_least": 0.97}]},
     "description": "Shapes (lines, squares, circles, triangles) through eight 5×5 filters, max pooling, sixteen "
                    "3×3 filters and pooling again. Like a Sobel filter, each first-layer filter learns to answer "
                    "one orientation: its feature map keeps only the horizontal, vertical or diagonal edges of "
                    "a square or a triangle. A small L2 penalty wipes out the random start of the filters, so "
                    "the strokes show. Test accuracy passes 99 % within a few epochs.",
     "spec": shapes(0.05, [conv(8, 5), MAXPOOL, conv(16), MAXPOOL, FLATTEN], 15, l2=0.005)},
    {"name": "cnn-padding-stride", "title": "Padding and stride set the size of the maps",
     "topics": ["padding_stride"],
     "claim": {"checks": [{"metric": "test_accuracy", "at_least": 0.95},
                          {"metric": "test_accuracy", "run": "compare", "at_least": 0.95}]},
     "description": "Valid padding keeps each filter inside the image, so every layer shrinks the maps by kernel "
                    "− 1 (o = i − k + 1): 28 → 24 → 22, pooled to 11. The comparison uses same padding with "
                    "stride 2 (o = ⌈i / 2⌉): 28 → 14 → 7. Same filters, same parameters in the convolutions; "
                    "the strided network computes maps a quarter the size, trains several times faster and "
                    "flattens 784 values instead of 1,936, at a little accuracy.",
     "spec": shapes(0.05, [conv(8, 5, padding="valid"), conv(16, padding="valid"), MAXPOOL, FLATTEN], 10),
     "compare": {"title": "same padding, stride 2",
                 "spec": shapes(0.05, [conv(8, 5, stride=2), conv(16, stride=2), FLATTEN], 10)}},
    {"name": "cnn-max-vs-average-pooling", "title": "Max pooling against average pooling",
     "topics": ["pooling"],
     "claim": {"checks": [{"compare": "test_accuracy", "higher_by": 0.03}], "seeds": [1, 2, 3]},
     "description": "Noisy shapes (pixel noise 0.3) through three convolutions, each followed by 2×2 max "
                    "pooling: the pooled maps keep the strongest answer of each window, so thin strokes stay "
                    "sharp (spatial invariance). The comparison averages the windows instead: strokes blur into "
                    "the noise, training is slower and test accuracy ends lower (about 92 % against 98 % "
                    "after 8 epochs).",
     "spec": shapes(0.3, [conv(8), MAXPOOL, conv(16), MAXPOOL, conv(16), MAXPOOL, FLATTEN], 8),
     "compare": {"title": "average pooling",
                 "spec": shapes(0.3, [conv(8), AVGPOOL, conv(16), AVGPOOL, conv(16), AVGPOOL, FLATTEN], 8)}},
    {"name": "cnn-residual", "title": "Residual connections train a deep CNN",
     "topics": ["residual_connections", "vanishing_gradients"],
     "claim": {"checks": [{"metric": "test_accuracy", "until": 5, "at": "best", "at_most": 0.2},
                          {"metric": "test_accuracy", "run": "compare", "until": 5, "at": "best", "at_least": 0.6},
                          {"metric": "test_accuracy", "run": "compare", "at_least": 0.9}]},
     "description": "Nine 3×3 convolutions of 16 filters on the digits, with Glorot initialisation and no batch "
                    "norm: the plain network sits at chance (10 %) for five epochs, and grad_norms shows why: the "
                    "gradient reaching conv1 is thousands of times smaller than the output layer's, and for a "
                    "while none gets through at all. The comparison has the same depth with the convolutions "
                    "paired in four residual blocks, H(x) = F(x) + x: the skip connections carry the gradient "
                    "back to every layer, and it passes 80 % in those five epochs and 90 % by the end. (After "
                    "the fifth epoch the plain network may leave its plateau: not on one thread, but with two "
                    "threads or other CPU kernels it ends at 55 to 90 %.)",
     "spec": digits(plain_deep(), 15),
     "compare": {"title": "the same depth with residual blocks", "spec": digits(RESIDUAL_DEEP, 15)}},
    {"name": "cnn-batchnorm", "title": "Batch normalisation speeds up training",
     "topics": ["batch_norm"],
     "claim": {"checks": [{"metric": "test_accuracy", "until": 5, "at": "best", "at_least": 0.9},
                          {"metric": "test_accuracy", "run": "compare", "until": 5, "at": "best", "at_most": 0.2}]},
     "description": "The deep plain network of the residual lesson, each convolution followed by batch "
                    "normalisation (before the ReLU, as in the course): every channel is normalised over the "
                    "mini-batch, then scaled and shifted by a learned γ and β. It passes 90 % within five "
                    "epochs; the comparison, without batch norm, is still at chance (10 %) after five (on one "
                    "thread after all ten; with two threads or other CPU kernels it leaves the plateau later, "
                    "at 60 % by epoch 10). At test time batch norm uses its running averages of the batch statistics.",
     "spec": digits(plain_deep(batchnorm=True), 10),
     "compare": {"title": "without batch norm", "spec": digits(plain_deep(), 10)}},
    {"name": "cnn-augmentation", "title": "Data augmentation against overfitting",
     "topics": ["data_augmentation", "overfitting"],
     "claim": {"checks": [{"compare": "test_loss", "ratio_at_most": 0.5},
                          {"metric": "best_epoch", "run": "compare", "at_most": 60}]},
     "description": "Only 150 training digits (upscaled to 16×16) and 200 epochs: without augmentation the "
                    "training accuracy reaches 100 % while the test loss climbs from its best near epoch 25. "
                    "With every training image shifted by up to 2 pixels and rotated by up to 10° afresh each "
                    "epoch, the test loss keeps falling and ends several "
                    "times lower (about 0.07 against 0.45); test accuracy ends about as high or higher. "
                    "Choose changes that keep the label: a 6 rotated by 180° is a 9, and a mirrored digit is no digit.",
     "spec": digits(SMALL_CNN, 200, {**FEW_DIGITS, "augment": {"shift": 2, "rotate": 10}}),
     "compare": {"title": "without augmentation", "spec": digits(SMALL_CNN, 200, FEW_DIGITS)}},
]
