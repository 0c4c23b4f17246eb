"""The sequence lessons: recurrent memory against delay, attention and positions, heads, cross-attention,
a character-level language model. Each is plain data, validated as any spec
(tests/workers/engine/test_seq_presets.py)."""
from __future__ import annotations


def _copy(kind: str, delay: int, epochs: int = 10, **train) -> dict:
    return {"data": {"dataset": "copy", "n_samples": 1000, "test_fraction": 0.2, "length": 2, "delay": delay,
                     "symbols": 4},
            "model": {"layers": [{"type": "embedding", "dim": 8}, {"type": kind, "hidden": 32}]},
            "train": {"optimizer": {"name": "adam", "lr": 0.01}, "batch_size": 16, "epochs": epochs, **train}}


def _reverse(positional: bool = True, heads: int = 2, dataset: str = "reverse", blocks: int = 2) -> dict:
    layers = [{"type": "embedding", "dim": 32}, *([{"type": "positional"}] if positional else []),
              *[{"type": "transformer_block", "heads": heads, "ff": 64} for _ in range(blocks)]]
    return {"data": {"dataset": dataset, "n_samples": 1000, "test_fraction": 0.2, "length": 8},
            "model": {"layers": layers},
            "train": {"optimizer": {"name": "adam", "lr": 0.003}, "batch_size": 32, "epochs": 20}}


SEQ_PRESETS: list[dict] = [
    {"name": "copy-rnn-vs-lstm", "title": "Remembering across a delay: vanilla RNN against LSTM",
     "topics": ["rnn_lstm_gru", "vanishing_gradients"],
     "claim": {"checks": [{"metric": "test_accuracy", "at_least": 0.9},
                          {"compare": "test_accuracy", "higher_by": 0.2}], "seeds": [1, 2, 3, 4, 5]},
     "description": "Two letters, ten blank steps, then write the letters back. The LSTM's gated cell carries "
                    "them across the gap and reaches 100 % in twelve epochs (the median of five seeds); the "
                    "vanilla RNN learns it slower and less surely: 60 to 70 % by then, one seed in five stuck "
                    "near 40 %, and it needs many more epochs where it gets there at all. The gradient is "
                    "clipped to norm 1, so that Adam cannot throw a solved LSTM back. Watch the gradients "
                    "through time: for the RNN the first steps' norms are orders of magnitude smaller than the "
                    "last ones'. Raise the delay to see the LSTM's limit too.",
     "spec": _copy("lstm", 10, 12, grad_clip=1.0),
     "compare": {"title": "vanilla RNN", "spec": _copy("rnn", 10, 12, grad_clip=1.0)}},
    {"name": "copy-gru-longer-delay", "title": "A GRU across a longer delay",
     "topics": ["rnn_lstm_gru"],
     "claim": {"checks": [{"metric": "test_accuracy", "at_least": 0.95},
                          {"metric": "test_accuracy", "run": "compare", "at_most": 0.7}]},
     "description": "The copy task with twenty blank steps: the GRU's update gate keeps the letters with "
                    "fewer parameters than an LSTM and reaches 100 %; the vanilla RNN stays near 50 %.",
     "spec": _copy("gru", 20, 15), "compare": {"title": "vanilla RNN", "spec": _copy("rnn", 20, 15)}},
    {"name": "copy-short-delay", "title": "A short delay is easy for any recurrent network",
     "topics": ["rnn_lstm_gru"],
     "claim": {"checks": [{"metric": "test_accuracy", "at_least": 0.95},
                          {"metric": "test_accuracy", "run": "compare", "at_least": 0.95}]},
     "description": "With two blank steps between the letters and their recall, the vanilla RNN learns the "
                    "copy too: the gradient only has a few steps to travel. Compare with the ten-step lesson.",
     "spec": _copy("rnn", 2), "compare": {"title": "LSTM", "spec": _copy("lstm", 2)}},
    {"name": "transformer-reverse", "title": "A transformer learns to reverse, if it knows positions",
     "topics": ["positional_encoding", "self_attention"],
     "claim": {"checks": [{"metric": "test_accuracy", "at_least": 0.95},
                          {"metric": "test_accuracy", "run": "compare", "at_most": 0.6}]},
     "description": "Two blocks of two-head self-attention write eight letters backwards: above 95 % token "
                    "accuracy within a few epochs, each output step attending to its mirror step (the attention "
                    "maps show an anti-diagonal). Without positional encoding attention sees a bag of letters, "
                    "not a sequence, and cannot tell which one is last.",
     "spec": _reverse(), "compare": {"title": "without positional encoding", "spec": _reverse(positional=False)}},
    {"name": "attention-heads", "title": "Four heads against one",
     "topics": ["multi_head_attention", "self_attention"],
     "claim": {"checks": [{"compare": "test_loss", "at": "best", "ratio_at_most": 0.7}], "seeds": [1, 2, 3]},
     "description": "Sorting eight letters with one transformer block of four attention heads, against one "
                    "head of the same total width (32). Each head has its own queries, keys and values, so the "
                    "four heads can look at four different places of the sequence at once, where the single head "
                    "must average what it finds into one distribution: the four heads reach a best test loss "
                    "less than half the single head's (about 0.018 against 0.039, median of three seeds), "
                    "though both sort almost every letter right. Compare their attention maps.",
     "spec": _reverse(heads=4, dataset="sort", blocks=1),
     "compare": {"title": "one head", "spec": _reverse(heads=1, dataset="sort", blocks=1)}},
    {"name": "cross-attention-addition", "title": "Cross-attention aligns a sum's digits",
     "topics": ["cross_attention"],
     "claim": {"checks": [{"metric": "test_accuracy", "at_least": 0.85}]},
     "description": "Three-digit addition as sequence-to-sequence: an encoder reads `123+456=`, a decoder writes "
                    "`0579` one digit at a time. The decoder's cross-attention map shows which digits of the "
                    "question each answer digit reads: the two digits in its column, and the column to its right "
                    "for the carry.",
     "spec": {"data": {"dataset": "addition", "n_samples": 4000, "test_fraction": 0.1, "digits": 3},
              "model": {"layers": [{"type": "embedding", "dim": 32}, {"type": "positional"},
                                   {"type": "transformer_block", "heads": 4, "ff": 64},
                                   {"type": "decoder_block", "heads": 4, "ff": 64},
                                   {"type": "decoder_block", "heads": 4, "ff": 64}]},
              "train": {"optimizer": {"name": "adam", "lr": 0.002}, "batch_size": 32, "epochs": 40}}},
    {"name": "char-language-model", "title": "A small character model learns to write",
     "topics": ["language_model", "self_attention"],
     "claim": {"checks": [{"metric": "train_accuracy", "at_least": 0.8},
                          {"metric": "test_loss", "at": "best", "at_most": 2.5}]},
     "description": "A causal transformer reads the project's short text and predicts every next character. "
                    "Its sample text goes from random letters to common letters and spaces, then to words like "
                    "`the` and `and`, then to phrases of the text. The causal mask keeps each step from seeing "
                    "the character it must predict. The text is short: the model learns it by heart (training "
                    "accuracy above 90 %) while the test loss is lowest after two epochs (about 2.1 nats a "
                    "character) and then climbs: a language model overfits too.",
     "spec": {"data": {"dataset": "text", "n_samples": 2000, "test_fraction": 0.2, "length": 32},
              "model": {"layers": [{"type": "embedding", "dim": 48}, {"type": "positional"},
                                   {"type": "transformer_block", "heads": 4, "ff": 96, "causal": True},
                                   {"type": "transformer_block", "heads": 4, "ff": 96, "causal": True}]},
              "train": {"optimizer": {"name": "adam", "lr": 0.003}, "batch_size": 32, "epochs": 30}}},
    {"name": "char-embeddings", "title": "Character embeddings: the vowels find each other",
     "topics": ["word_embeddings", "language_model"],
     "claim": {"checks": [{"metric": "vowel_separation", "at_least": 1.4}], "seeds": [1, 2, 3]},
     "description": "The smallest language model: each character of the project's text is looked up in an "
                    "embedding, an eight-dimensional vector learned from the data (a one-hot code would keep every "
                    "two characters equally far apart), and one tanh layer predicts the next character from that "
                    "vector alone: a feedforward language model with a context window of one. The embeddings view "
                    "draws every character on the first two principal components of the vectors, live. They start "
                    "at random. The vector is all the network sees, so characters that are followed by the same "
                    "characters are pulled towards the same vector: the comma, the full stop and the colon, always "
                    "followed by a space, soon gather apart from the letters, and the vowels, mostly followed by "
                    "consonants, end closer to each other than to the consonants. Nothing asks for it: as the "
                    "course says of word embeddings, the grouping is emergent and approximate, and the plane shows "
                    "only part of the eight dimensions, so the claim measures the whole vectors: the vowels end "
                    "about 1.8 times farther from the consonants than from each other (about 1 at random; median of "
                    "three seeds). The rarest letters (q, x, the hyphen), read only a few times, wander to the "
                    "edges: Adam takes as large a step for a rare character's row as for a common one's.",
     "spec": {"data": {"dataset": "text", "n_samples": 2000, "test_fraction": 0.2, "length": 32},
              "model": {"layers": [{"type": "embedding", "dim": 8},
                                   {"type": "dense", "units": 32, "activation": "tanh"}]},
              "train": {"optimizer": {"name": "adam", "lr": 0.1}, "batch_size": 32, "epochs": 20}}},
    {"name": "sine-forecast", "title": "Forecasting a sine wave",
     "topics": ["rnn_lstm_gru"],
     "claim": {"checks": [{"metric": "test_loss", "at_most": 0.005}]},
     "description": "A GRU reads 24 values of a sine wave and forecasts the next 8 (regression, squared error): "
                    "it has to infer the wave's frequency and phase from what it has seen.",
     "spec": {"data": {"dataset": "sine", "n_samples": 2000, "test_fraction": 0.2, "length": 32, "horizon": 8,
                       "noise": 0.02},
              "model": {"layers": [{"type": "gru", "hidden": 32}]},
              "train": {"optimizer": {"name": "adam", "lr": 0.01}, "batch_size": 32, "epochs": 30}}},
]
