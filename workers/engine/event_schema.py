"""The events a run emits, as pydantic models: the schema of every websocket message and stored event.

Documentation only: nothing validates events at run time (the engine emits plain dicts, see
events.py and loop.py). The models are published in the OpenAPI document, from which the frontend's
types are generated (frontend/src/lib/generated/), and tests/engine/test_event_schema.py validates
every event of real runs against them, so they cannot drift from what is emitted.

Keys the engine may leave out are optional and have no default in the schema; a key that is present
is never null unless its type says so (a metric that is not finite travels as null).
Pure: pydantic and the standard library only.
"""
from __future__ import annotations

import base64
import math
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, RootModel, model_validator

RunStatus = Literal["queued", "running", "paused", "succeeded", "failed", "cancelled"]
Extent = tuple[float, float, float, float]
NormsByLayer = dict[str, float | None]

ITEM_BYTES = {"float16": 2, "float32": 4, "uint8": 1}


def _no_defaults(schema: dict[str, Any]) -> None:
    """Events are what the server sends: an optional key is absent, not filled with a default."""
    for prop in schema.get("properties", {}).values():
        prop.pop("default", None)


class _Payload(BaseModel):
    # Closed: a key the engine starts to emit must be added here (the schema test fails until it is).
    model_config = ConfigDict(extra="forbid", json_schema_extra=_no_defaults)


# -- tensors ----------------------------------------------------------------------------------------


class Tensor(_Payload):
    """An array: the base64 of its values' little-endian bytes in row-major (C) order.

    A `uint8` tensor carries `min` and `max`: byte value b stands for min + b/255 · (max − min)."""

    dtype: Literal["float16", "float32", "uint8"] = Field(description="The element type of `data`.")
    shape: list[Annotated[int, Field(ge=0)]] = Field(description="The array's shape, outermost first.")
    data: str = Field(description="Base64 of the little-endian bytes, row-major.")
    min: float = Field(None, description="uint8 only: the value byte 0 stands for.")
    max: float = Field(None, description="uint8 only: the value byte 255 stands for.")

    @model_validator(mode="after")
    def _consistent(self) -> "Tensor":
        if self.dtype == "uint8" and (self.min is None or self.max is None):
            raise ValueError("a uint8 tensor needs min and max")
        size = len(base64.b64decode(self.data, validate=True))
        expected = math.prod(self.shape) * ITEM_BYTES[self.dtype]
        if size != expected:
            raise ValueError(f"{size} bytes of data for shape {self.shape} of {self.dtype} ({expected} expected)")
        return self


# -- data payloads ------------------------------------------------------------------------------------


class RunSummary(_Payload):
    """The final metrics of a run, in its terminal status event (and the Run's `summary`)."""

    train_loss: float | None = Field(None, description="The last measured training loss; null if not finite.")
    test_loss: float | None = Field(None, description="The last measured test loss; null if not finite.")
    train_accuracy: float | None = Field(None, description="Classification only.")
    test_accuracy: float | None = Field(None, description="Classification only.")
    epochs: float = Field(description="The epochs trained (a fraction when stopped mid-epoch).")
    steps: int = Field(ge=0, description="The optimizer steps taken.")
    seconds: float = Field(ge=0, description="Training time, set-up excluded.")


class StatusData(_Payload):
    """`data` of a `status` event: the run's status changed."""

    status: RunStatus = Field(description="The new status; `succeeded`, `failed` and `cancelled` are terminal.")
    message: str = Field(None, description="Why: the error of a failed run, the reason a run stopped early.")
    attempt: int = Field(None, ge=1, description="With `queued`: the attempt at training the run now is; with "
                         "the `failed` of a run whose last allowed attempt was lost: that attempt.")
    device: str = Field(None, description="With the first `running`: where the run trains (`cpu`, `cuda`).")
    summary: RunSummary = Field(None, description="With `succeeded` and `cancelled` (once training started).")


class MetricsData(_Payload):
    """`data` of a `metrics` event: measured over both whole splits at the end of every epoch
    (and where a run ends mid-epoch). A value that is not finite is null; a null `train_loss` means the
    run diverged."""

    train_loss: float | None = Field(description="The loss over the training split, without penalty.")
    test_loss: float | None = Field(description="The loss over the test split.")
    train_accuracy: float | None = Field(None, description="Classification only: the share classified right "
                                         "(sequence tasks: of the steps that ask for a token, token accuracy).")
    test_accuracy: float | None = Field(None, description="Classification only: the share classified right "
                                        "(sequence tasks: token accuracy).")
    lr: float = Field(description="The learning rate of the epoch's last step.")
    penalty: float | None = Field(None, description="Only when l1, l2 or weight_elimination is set.")
    grad_norms: NormsByLayer = Field(description="{layer: L2 norm of the last step's gradient}: dense1, ..., output; "
                                     "for images also conv1, ..., res1.conv1, res1.projection, ...; for sequences "
                                     "every layer's parameters together: embedding1, lstm1, transformer1, ..., "
                                     "decoder_input, output")
    weight_norms: NormsByLayer = Field(description="{layer: L2 norm of its weight}: the same layers.")


class DatasetSplit(_Payload):
    """The points of one split."""

    points: Tensor = Field(description="float32 N×2: (x1, x2) on the plane.")
    labels: Tensor = Field(description="float32 N: 0/1 classes, or regression targets.")


class DatasetData(_Payload):
    """`data` of a `dataset` event: the points to draw, sent once as training starts (2-D data, visuals on)."""

    extent: Extent = Field(description="[xmin, xmax, ymin, ymax] of the plane.")
    task: Literal["classification", "regression"]
    train: DatasetSplit
    test: DatasetSplit


class Neuron(_Payload):
    """One hidden unit's activation over the plane."""

    layer: int = Field(ge=0, description="The hidden layer, counting from 0.")
    unit: int = Field(ge=0, description="The unit within its layer, counting from 0.")
    map: Tensor = Field(description="uint8 g×g; min/max is the activation's range when bounded.")


class BoundaryData(_Payload):
    """`data` of a `boundary` event: the network over the plane (2-D data). Row 0 of every grid is the
    top of the plane (ymax), column 0 is xmin."""

    extent: Extent = Field(description="[xmin, xmax, ymin, ymax] of the plane.")
    output: Tensor = Field(description="uint8 G×G (G = stream.grid): the network's output; min/max its range.")
    neurons: list[Neuron] = Field(description="Every hidden unit, input side first.")
    weights: list[Tensor] = Field(description="float16 out×in per layer: the hidden layers, then the output.")
    biases: list[Tensor] = Field(description="float16 out per layer.")


class ConfusionData(_Payload):
    """`data` of a `confusion` event: the test split, rows the true class, columns the predicted one."""

    labels: list[str] = Field(description="The class names, in row (and column) order: `0`, `1` for 2-D data, "
                              "the dataset's classes for images.")
    matrix: list[list[Annotated[int, Field(ge=0)]]] = Field(description="Counts: matrix[true][predicted].")


class LayerMaps(_Payload):
    """One layer's output for one probe image."""

    name: str = Field(description="The layer's name, as in `metrics.grad_norms`: conv1, maxpool1, res1, "
                      "res1.conv2, ... (a layer inside a residual block is named after the block).")
    layer: int = Field(ge=0, description="Its index in `model.layers` (a residual block's, for a layer inside it).")
    shape: list[Annotated[int, Field(ge=1)]] = Field(description="The layer's whole output, C×H×W.")
    maps: Tensor = Field(description="uint8 c×h×w: the first c ≤ 16 channels; h×w is the layer's own size, or "
                         "a 2×2-averaged one where all maps together would pass 32,000 values. min/max: the range "
                         "of the values sent.")


class FeatureMapsData(_Payload):
    """`data` of a `feature_maps` event (image data): what every conv2d, pooling and residual layer makes of
    one probe image, a fixed test image (the first of each class, at most 10)."""

    probe: int = Field(ge=0, description="Which probe, counting from 0; the same image all run long.")
    index: int = Field(ge=0, description="The probe's position in the test split.")
    label: str = Field(description="Its true class.")
    predicted: str = Field(description="The class the network gives it now.")
    probabilities: list[float] = Field(description="The softmax probability of every class, in class order.")
    input: Tensor = Field(description="uint8 C×H×W: the image itself, min 0 and max 1.")
    layers: list[LayerMaps] = Field(description="Every conv2d, maxpool2d, avgpool2d and residual layer, input "
                                    "side first (a residual block's own layers before the block's sum).")


class LayerFilters(_Payload):
    """One conv2d layer's weights."""

    name: str = Field(description="conv1, res1.conv1, ...: as in `feature_maps` and `metrics.grad_norms`.")
    layer: int = Field(ge=0, description="Its index in `model.layers` (a residual block's, for a layer inside it).")
    shape: list[Annotated[int, Field(ge=1)]] = Field(description="The whole weight, out×in×kh×kw (a maxout layer "
                                                     "has two filters per map).")
    weights: Tensor = Field(description="float16 out×in×kh×kw: the first ≤ 32 filters, each over its first "
                            "≤ 16 input channels, fewer where a layer would pass 4,096 values.")


class FiltersData(_Payload):
    """`data` of a `filters` event (image data): every conv2d layer's filters, input side first."""

    layers: list[LayerFilters]


class MisclassifiedData(_Payload):
    """`data` of a `misclassified` event (image data): the test images the network is surest about and wrong."""

    count: int = Field(ge=0, description="How many test images it gets wrong.")
    total: int = Field(ge=0, description="How many test images there are.")
    indices: list[Annotated[int, Field(ge=0)]] = Field(description="Their positions in the test split, the "
                                                       "surest mistake first (at most 8).")
    images: Tensor = Field(description="uint8 n×C×H×W, min 0 and max 1.")
    true: list[str] = Field(description="Each image's true class.")
    predicted: list[str] = Field(description="The class the network gives it.")
    confidence: list[float] = Field(description="The softmax probability of that predicted class.")


class AttentionLayer(_Payload):
    """One attention layer's weights over the probe: row i is what query step i takes from each key step."""

    layer: int = Field(ge=0, description="Its index in `model.layers`.")
    name: str = Field(description="transformer1, decoder1, ...: as in `metrics.grad_norms`.")
    kind: Literal["self", "cross"] = Field(description="`self`: a sequence attending to itself; `cross`: a decoder's "
                                           "steps (queries) attending to the encoder's (keys).")
    heads: int = Field(ge=1, description="The layer's heads; `weights` holds the first of them (all, unless the "
                       "event would pass 32,768 values).")
    query_tokens: list[str] = Field(description="The rows' labels: the probe's tokens, or for a decoder the "
                                    "answer shifted right (what each decoder step has seen).")
    key_tokens: list[str] = Field(description="The columns' labels.")
    weights: Tensor = Field(description="float16 heads×T_query×T_key; every row sums to 1 (a causal layer's rows "
                            "are 0 right of the diagonal).")


class AttentionData(_Payload):
    """`data` of an `attention` event (sequence data, attention layers): every transformer and decoder block's
    weights over the probe, the first test sequence (the same all run long), input side first."""

    tokens: list[str] = Field(description="The probe's steps: its tokens, or for sine its values (`?` where hidden).")
    layers: list[AttentionLayer]


class HiddenLayer(_Payload):
    """One recurrent layer's state at each step of the probe."""

    layer: int = Field(ge=0, description="Its index in `model.layers`.")
    name: str = Field(description="rnn1, lstm1, gru1, ...: as in `metrics.grad_norms`.")
    units: int = Field(ge=1, description="Its output units (hidden × 2 when bidirectional).")
    states: Tensor = Field(description="uint8 T×h: the top layer's hidden state h_t of the first h ≤ 64 units (a "
                           "bidirectional layer's forward units first); min −1 and max 1 but for ReLU RNNs.")


class HiddenStatesData(_Payload):
    """`data` of a `hidden_states` event (sequence data, recurrent layers): over the probe's steps."""

    tokens: list[str] = Field(description="The probe's steps, as in `attention`.")
    layers: list[HiddenLayer]


class TimeGradientsData(_Payload):
    """`data` of a `time_gradients` event (sequence data): how strongly the loss reaches back to each step."""

    tokens: list[str] = Field(description="The first probe's steps, to label the T values.")
    norms: list[float] = Field(description="T values: ‖∂loss/∂x_t‖, x_t the input vector of step t (its embedding, or "
                               "its values), averaged over the probes. Small early values: vanishing gradients.")
    probes: int = Field(ge=1, description="How many test sequences were averaged (the first ones, at most 32).")
    scored: list[bool] = Field(description="T flags: whether the loss asks for an answer at step t.")


class TokenSample(_Payload):
    """One test sequence of a token task; lists are aligned with its steps."""

    input: list[str] = Field(description="Its tokens.")
    target: list[str | None] = Field(description="The answer asked for at each step; null where none is.")
    predicted: list[str | None] = Field(description="What the network writes there; null where none is asked.")


class ValueSample(_Payload):
    """One test sequence of a value task (sine); lists are aligned with its steps."""

    input: list[float | None] = Field(description="The values seen; null where hidden.")
    target: list[float | None] = Field(description="The hidden values asked for; null elsewhere.")
    predicted: list[float | None] = Field(description="The network's forecast of them; null elsewhere.")


class GeneratedText(_Payload):
    """Text a language model writes from a prompt, a character at a time (temperature 0.7, fixed draws)."""

    prompt: str
    text: str = Field(description="The characters written after the prompt.")


class PredictionsData(_Payload):
    """`data` of a `predictions` event (sequence data): the first four test sequences with their targets and the
    network's answers (a decoder writes its answer on its own, step by step)."""

    task: Literal["classification", "regression"]
    samples: list[TokenSample] | list[ValueSample]
    generated: GeneratedText = Field(None, description="Language modelling (text) only.")


# -- events -------------------------------------------------------------------------------------------


class _Envelope(_Payload):
    seq: int = Field(ge=1, description="1, 2, 3, ... per run, with no gaps on the live stream.")
    type: str  # each event narrows it to its own literal
    step: int = Field(ge=0, description="Optimizer steps taken so far.")
    epoch: float = Field(ge=0, description="Training progress in epochs (fractions between epochs).")
    time: float = Field(ge=0, description="Seconds since the run's `running` status; 0 for server-written events.")


class StatusEvent(_Envelope):
    """The run's status changed. The last event of every run is a status event with a terminal status."""

    type: Literal["status"]
    data: StatusData


class MetricsEvent(_Envelope):
    """Losses, accuracies, learning rate and per-layer norms, once per epoch."""

    type: Literal["metrics"]
    data: MetricsData


class DatasetEvent(_Envelope):
    """The training and test points, once as training starts."""

    type: Literal["dataset"]
    data: DatasetData


class BoundaryEvent(_Envelope):
    """A frame of the decision boundary and every hidden neuron, at most stream.max_fps a second."""

    type: Literal["boundary"]
    data: BoundaryData


class ConfusionEvent(_Envelope):
    """The test split's confusion matrix, once when a classification run ends."""

    type: Literal["confusion"]
    data: ConfusionData


class FeatureMapsEvent(_Envelope):
    """One probe image's feature maps: one probe per frame in turn, at most stream.max_fps frames a second,
    and every probe at the start, at each pause and at the end."""

    type: Literal["feature_maps"]
    data: FeatureMapsData


class FiltersEvent(_Envelope):
    """Every conv2d layer's filters, with each frame of feature maps."""

    type: Literal["filters"]
    data: FiltersData


class MisclassifiedEvent(_Envelope):
    """The surest mistakes on the test split, after a measurement (at most stream.max_fps a second) and at the end."""

    type: Literal["misclassified"]
    data: MisclassifiedData


class AttentionEvent(_Envelope):
    """Attention weights over the probe sequence, at most stream.max_fps a second."""

    type: Literal["attention"]
    data: AttentionData


class HiddenStatesEvent(_Envelope):
    """Recurrent hidden states over the probe sequence, at most stream.max_fps a second."""

    type: Literal["hidden_states"]
    data: HiddenStatesData


class TimeGradientsEvent(_Envelope):
    """Gradient norms through time, at most stream.max_fps a second."""

    type: Literal["time_gradients"]
    data: TimeGradientsData


class PredictionsEvent(_Envelope):
    """Sample predictions next to their targets, at most stream.max_fps a second."""

    type: Literal["predictions"]
    data: PredictionsData


EVENT_MODELS = (StatusEvent, MetricsEvent, DatasetEvent, BoundaryEvent, ConfusionEvent, FeatureMapsEvent,
                FiltersEvent, MisclassifiedEvent, AttentionEvent, HiddenStatesEvent, TimeGradientsEvent,
                PredictionsEvent)


class Event(RootModel[Annotated[Union[EVENT_MODELS], Field(discriminator="type")]]):  # type: ignore[valid-type]
    """One event of a run: a websocket message, or an entry of GET /runs/{id}/events. Discriminated by `type`."""


EVENT_TYPES = tuple(model.model_fields["type"].annotation.__args__[0] for model in EVENT_MODELS)
