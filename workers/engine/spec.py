"""The spec: a network and its training, as data.

Field-level rules live here; rules that need the server's limits or span
sections (a loss that does not fit the dataset's task) live in checks.py, so
that both report the exact field at fault.
"""
from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, field_validator, model_validator

from .choices import INITS, LOSSES, OUTPUT_ACTIVATIONS
from .common_layers import Dense
from .datasets import DATASETS
from .kinds.autoencoders.options import Autoencoder
from .kinds.gan.spec import Gan
from .kinds.points.datasets import DEFAULT_FEATURES, FEATURES, MAX_CLASSES, MIN_CLASSES  # 2-D datasets' fields
from .layer_spec import Layer
from .optim_spec import Adam, Constant, Optimizer, Schedule
from .kinds.points.table_spec import Table, UploadName
from .schema import Strict

DatasetName = Literal[tuple(DATASETS)]  # type: ignore[valid-type]
FeatureName = Literal[tuple(FEATURES)]  # type: ignore[valid-type]
InitName = Literal[tuple(INITS)]  # type: ignore[valid-type]
LossName = Literal[tuple(LOSSES)]  # type: ignore[valid-type]
OutputActivationName = Literal[("auto", *OUTPUT_ACTIVATIONS)]  # type: ignore[valid-type]

Seed = Annotated[int, Field(ge=0, le=2**31 - 1)]
Penalty = Annotated[float, Field(ge=0, le=10)]


class Augment(Strict):
    """Random changes to every training image, drawn afresh each time it is used (image datasets only;
    the test images are never changed). A change must not change the label: a 6 rotated by 180° is a 9."""
    shift: int = Field(0, ge=0, le=8, description="shift by up to ± this many whole pixels in x and y")
    flip: bool = Field(False, description="mirror left-right with probability ½")
    rotate: float = Field(0.0, ge=0, le=45, description="rotate by up to ± this many degrees")
    noise: float = Field(0.0, ge=0, le=1, description="add Gaussian pixel noise of this standard deviation")


class Data(Strict):
    dataset: DatasetName | UploadName = Field(description="a built-in dataset (GET /catalog), or the name of one "
                                              "of your uploaded datasets (POST /datasets)")
    n_samples: Annotated[int, Field(ge=4)] = 500
    noise: Annotated[float, Field(ge=0, le=1)] = 0.1
    test_fraction: Annotated[float, Field(gt=0, lt=1)] = 0.5
    features: Annotated[list[FeatureName], Field(min_length=1)] = DEFAULT_FEATURES
    seed: Seed = 1
    classes: int | None = Field(None, ge=MIN_CLASSES, le=MAX_CLASSES, description="k-class 2-D datasets (blobs, "
                                "spirals) only: how many classes (null: the dataset's default, 3)")
    # Image datasets only (2-D and sequence ones refuse them):
    image_size: int | None = Field(None, ge=4, description="resample the images to this many pixels a side "
                                   "(null: the dataset's own size)")
    augment: Augment | None = Field(None, description="random changes to the training images")
    # Sequence datasets only, each for the tasks that name it (null: the task's default; see the catalog):
    length: int | None = Field(None, ge=1, description="sequence tasks: the sequence length (copy: the letters "
                               "to remember)")
    delay: int | None = Field(None, ge=0, description="copy: blank steps between the letters and their recall")
    symbols: int | None = Field(None, ge=2, description="reverse, sort, copy: how many different letters")
    digits: int | None = Field(None, ge=1, description="addition: digits per number")
    horizon: int | None = Field(None, ge=1, description="sine: how many last values to forecast")
    # Uploaded datasets only:
    axes: list[str] | None = Field(None, min_length=2, max_length=2, description="an uploaded dataset: the two "
                                   "feature columns the boundary is drawn over (null: the first two); the "
                                   "other features are held at their means")
    table: Table | None = Field(None, description="filled in by the server from the uploaded dataset that "
                                "`dataset` names (its points), so that a worker needs no database; leave it out")

    @field_validator("features")
    @classmethod
    def _no_repeats(cls, features: list[str]) -> list[str]:
        if len(set(features)) != len(features):
            raise ValueError("features must not repeat")
        return features


def _default_layers() -> list[Dense]:
    return [Dense(units=8, activation="tanh"), Dense(units=8, activation="tanh")]


class Model(Strict):
    layers: list[Layer] = Field(default_factory=_default_layers)
    init: InitName = "xavier_uniform"
    bias_init: Annotated[float, Field(ge=-10, le=10, description="every bias's starting value (TensorFlow "
                                      "Playground starts them at 0.1)")] = 0.0
    output_activation: OutputActivationName = "auto"
    autoencoder: Autoencoder | None = Field(None, description="autoencoder datasets only: the bottleneck and the "
                                            "denoising and sparse variants (null: the defaults)")


class WeightElimination(Strict):
    """λ·Σ w²/(β² + w²): quadratic for small weights, saturating for large ones."""
    lambda_: Annotated[float, Field(alias="lambda", gt=0, le=10)] = 0.001
    beta: Annotated[float, Field(gt=0, le=100)] = 1.0
    model_config = ConfigDict(**Strict.model_config, populate_by_name=True)


class EarlyStopping(Strict):
    """Stop when the test loss has not improved by min_delta for `patience` epochs."""
    patience: Annotated[int, Field(ge=1, le=100000)] = 10
    min_delta: Annotated[float, Field(ge=0)] = 0.0
    restore_best: bool = True


def _named(default: str):
    """Let `{"lr": 0.1}` mean the default optimizer (or schedule) with that lr."""
    def fill(value: Any) -> Any:
        if isinstance(value, dict) and "name" not in value:
            return {"name": default, **value}
        return value
    return fill


class Train(Strict):
    loss: LossName = "auto"
    optimizer: Optimizer = Field(default_factory=lambda: Adam(name="adam"))
    schedule: Schedule = Field(default_factory=lambda: Constant(name="constant"))
    batch_size: Annotated[int, Field(ge=1)] = 10
    epochs: Annotated[int, Field(ge=1)] = 100
    max_steps: Annotated[int, Field(ge=1)] | None = None
    l1: Penalty = 0.0
    l2: Penalty = 0.0
    weight_elimination: WeightElimination | None = None
    grad_clip: Annotated[float, Field(gt=0, le=1e6)] | None = None
    early_stopping: EarlyStopping | None = None
    seed: Seed = 1

    @model_validator(mode="before")
    @classmethod
    def _default_names(cls, values: Any) -> Any:
        if isinstance(values, dict):
            values = dict(values)
            for key, default in (("optimizer", "adam"), ("schedule", "constant")):
                if key in values:
                    values[key] = _named(default)(values[key])
        return values


class GradientCheck(Strict):
    """Compare autograd's gradient with central finite differences, (E(w + ε) - E(w - ε)) / 2ε, on a float64
    copy of the network, for a few sampled weights of every layer (2-D datasets); one `gradient_check` event
    after the first epoch and then every `every` epochs. Off (null) by default: a normal run pays nothing."""
    epsilon: float = Field(1e-5, gt=0, le=1, description="ε of the finite differences: small, but not so small "
                           "that rounding shows (1e-5 in float64; 0.1 crosses ReLU's kinks and fails)")
    samples: int = Field(8, ge=1, le=64, description="weights and biases sampled per layer")
    every: int = Field(10, ge=1, description="epochs between checks")


class Stream(Strict):
    max_fps: Annotated[float, Field(ge=0, le=60)] = 20  # 0 turns visual events off
    grid: Annotated[int, Field(ge=8, le=128)] = 64
    gradient_check: GradientCheck | None = Field(None, description="check the gradients against finite "
                                                 "differences now and then (null: never)")


class Spec(Strict):
    data: Data
    model: Model = Field(default_factory=Model)
    train: Train = Field(default_factory=Train)
    stream: Stream = Field(default_factory=Stream)
    gan: Gan | None = Field(None, description="GAN datasets only: the discriminator and the game (null: the defaults)")
