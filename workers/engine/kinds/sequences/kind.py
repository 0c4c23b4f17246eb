"""Sequences: a sequence network scored at every step that asks for an answer, and the sequence visuals:
attention weights, recurrent hidden states, the token embeddings, gradients through time and sample predictions.

Accuracy is token accuracy: the share of scored steps whose most likely token is the target. A network
with decoder blocks is measured as it trains, fed the true answer so far (teacher forcing); its
`predictions` events show it writing the answer on its own.
"""
from __future__ import annotations

import torch
from torch.nn import functional as F

from ...datasets import class_names
from ...layers import initialise
from ...losses import make_head
from ...probes.attention import attention_event
from ...probes.embeddings import EmbeddingsProbe
from ...probes.hidden_states import hidden_states_event
from ...probes.metrics import finite_or_none
from ...probes.predictions import PREDICTION_SAMPLES, PROMPT, generate, token_predictions, value_predictions
from ...probes.time_gradients import TIME_PROBES, time_gradients_event
from ..base import Events, Kind
from .datasets import IGNORE, SEQUENCE_DATASETS, make_sequences, sequence_shape
from .layer_spec import ATTENTION_TYPES, RECURRENT_TYPES
from .model import SeqNet, shift_right

EVAL_BATCH = 500  # sequences per forward pass when measuring


class SequenceKind(Kind):
    def __init__(self, spec, device: str, visuals: bool):
        super().__init__(spec, device, visuals)
        data = spec.data
        self.train_split, self.test_split = make_sequences(data.dataset, data)
        self.vocab = class_names(data.dataset, data)  # [] for values (sine)
        self.head = make_head(spec.train.loss, self.task, spec.model.output_activation, len(self.vocab))
        self.model = SeqNet(sequence_shape(data.dataset, data), self.layers, self.head.n_outputs, len(self.vocab))
        initialise(self.model, spec.model.init, spec.model.bias_init)
        self.model.to(device)
        self.x, self.y = (torch.from_numpy(a).to(device) for a in (self.train_split.inputs, self.train_split.targets))
        self.x_test, self.y_test = (torch.from_numpy(a).to(device)
                                    for a in (self.test_split.inputs, self.test_split.targets))
        self.has_modes = True  # dropout anywhere, batch norm in dense layers: eval() and train() are cheap
        self.has_batchnorm = any(layer.get("batchnorm") for layer in self.layers)
        self.causal = SEQUENCE_DATASETS[data.dataset].causal
        types = {layer["type"] for layer in self.layers}
        self.attention, self.recurrent = bool(types & ATTENTION_TYPES), bool(types & RECURRENT_TYPES)
        self.embeddings = self.embeddings_probe()
        self.prose = SEQUENCE_DATASETS[data.dataset].prose and self.embeddings is not None
        self.framed = visuals

    def embeddings_probe(self) -> EmbeddingsProbe | None:
        """The embedding layer's probe, over the tokens the training inputs contain (None: no embedding)."""
        if not (self.model.embedded and self.vocab):
            return None
        read = torch.unique(self.x).tolist()  # ascending
        return EmbeddingsProbe(self.model.steps[0].name, self.vocab, read, self.device)

    # -- training ---------------------------------------------------------------------------------

    def loss(self, out: torch.Tensor, targets: torch.Tensor, reduction: str = "mean") -> torch.Tensor:
        """Cross-entropy over the scored steps, or ½ squared error over the asked-for values (sine)."""
        if self.task == "classification":
            return F.cross_entropy(out.flatten(0, 1), targets.flatten(), ignore_index=IGNORE, reduction=reduction)
        asked = torch.isfinite(targets)
        errors = 0.5 * (self.head.activate(out[..., 0]) - targets.nan_to_num()).pow(2)[asked]
        return errors.mean() if reduction == "mean" else errors.sum()

    def forward(self, inputs: torch.Tensor, targets: torch.Tensor, record=None) -> torch.Tensor:
        decoder_input = shift_right(targets) if self.model.decoding else None
        return self.model(inputs, decoder_input, record)

    def batch_loss(self, inputs: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        return self.loss(self.forward(inputs, targets), targets)

    def norms(self) -> tuple[dict, dict]:
        grads, weights = {}, {}
        with torch.no_grad():
            for name, params in self.model.groups().items():
                g = [p.grad.pow(2).sum() for p in params if p.grad is not None]
                grads[name] = torch.stack(g).sum().sqrt() if g else torch.zeros((), device=self.device)
                weights[name] = torch.stack([p.pow(2).sum() for p in params]).sum().sqrt()
        g_values, w_values = torch.stack(list(grads.values())).tolist(), torch.stack(list(weights.values())).tolist()
        return ({n: finite_or_none(v) for n, v in zip(grads, g_values)},
                {n: finite_or_none(v) for n, v in zip(weights, w_values)})

    # -- measuring --------------------------------------------------------------------------------

    def evaluate(self) -> dict[str, float]:
        measured = []
        with torch.inference_mode():
            for x, y in ((self.x, self.y), (self.x_test, self.y_test)):
                total, correct, scored = 0.0, 0, 0
                for xs, ys in zip(x.split(EVAL_BATCH), y.split(EVAL_BATCH)):
                    out = self.forward(xs, ys)
                    total = total + self.loss(out, ys, "sum")
                    if self.task == "classification":
                        asked = ys != IGNORE
                        correct = correct + ((out.argmax(-1) == ys) & asked).sum()
                        scored += int(asked.sum())
                    else:
                        scored += int(torch.isfinite(ys).sum())
                measured += [total / max(scored, 1), correct / max(scored, 1)]
            names = ["train_loss", "train_accuracy", "test_loss", "test_accuracy"]
            separation = self.embeddings.separation(self.model.blocks[0].weight) if self.prose else None
            if separation is not None:  # the word-embeddings lesson's claim
                measured.append(separation)
                names.append("vowel_separation")
        values = torch.stack([torch.as_tensor(v, dtype=torch.float32, device=self.device) for v in measured]).tolist()
        result = dict(zip(names, values))
        if self.task != "classification":
            del result["train_accuracy"], result["test_accuracy"]
        return result

    # -- visuals ----------------------------------------------------------------------------------

    def labels(self, inputs: torch.Tensor) -> list[str]:
        """A sequence's steps as strings: its tokens, or its values ("?" where hidden)."""
        if self.vocab:
            return [self.vocab[c] for c in inputs.tolist()]
        return [f"{v:.2f}" if known else "?" for v, known in inputs.tolist()]

    def frame_events(self, every_probe: bool) -> Events:
        self.model.eval()
        try:
            return self.probe_events()
        finally:
            self.model.train()

    def probe_events(self) -> Events:
        x, y = self.x_test[:1], self.y_test[:1]  # the probe: the first test sequence
        tokens = self.labels(x[0])
        events = []
        if self.attention or self.recurrent:
            recorded: list = []
            with torch.inference_mode():
                self.forward(x, y, recorded)
            if self.attention:
                decoder_tokens = self.labels(shift_right(y)[0]) if self.model.decoding else None
                events.append(("attention", attention_event(recorded, tokens, decoder_tokens)))
            if self.recurrent:
                events.append(("hidden_states", hidden_states_event(recorded, tokens)))
        if self.embeddings is not None:
            events.append(("embeddings", self.embeddings.event(self.model.blocks[0].weight)))
        xs, ys = self.x_test[:TIME_PROBES], self.y_test[:TIME_PROBES]
        asked = (ys != IGNORE) if self.vocab else torch.isfinite(ys)
        decoder_input = shift_right(ys) if self.model.decoding else None
        events.append(("time_gradients", time_gradients_event(self.model, self.loss, xs, ys, decoder_input, tokens,
                                                               asked.any(0).tolist())))
        events.append(("predictions", self.predictions()))
        return events

    @torch.inference_mode()
    def predictions(self) -> dict | None:
        xs, ys = self.x_test[:PREDICTION_SAMPLES], self.y_test[:PREDICTION_SAMPLES]
        if not self.vocab:
            return value_predictions(self.model, xs, ys, self.head.activate)
        data = token_predictions(self.model, xs, ys, self.vocab)
        if self.causal:
            prompt = xs[0, :PROMPT]
            data["generated"] = generate(self.model, prompt, xs.shape[1] - PROMPT, self.vocab, self.spec.train.seed)
        return data
