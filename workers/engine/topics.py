"""The course's topics, chapter by chapter: the one mapping of topic ids (CONTRACT.md, "Lessons") to chapters.

Every preset names its topics (`topics`, ids from here); its first topic is its main one, and its chapter
is that topic's. The page's lesson index groups the lessons by these chapters, in this order (the order
of the course's slides: the introduction's chapters, then its practical part, then sequences and
generative models).
"""
from __future__ import annotations

CHAPTERS: list[tuple[str, tuple[str, ...]]] = [
    ("Single neuron", ("single_neuron", "loss_functions")),
    ("Single hidden layer networks", ("xor_hidden_layer", "universal_approximation", "input_features",
                                      "multiclass")),
    ("Multi-layer feedforward networks", ("depth_vs_width", "vanishing_gradients", "exploding_gradients",
                                          "gradient_clipping", "gradient_checking")),
    ("Training neural networks", ("batch_vs_stochastic", "learning_rate_small", "learning_rate_large",
                                  "zero_init_symmetry", "glorot_vs_he")),
    ("Regularization", ("overfitting", "l1", "l2", "weight_elimination", "early_stopping", "dropout",
                        "data_augmentation")),
    ("Optimizers and schedules", ("momentum", "nesterov", "adagrad", "rmsprop", "adam", "lr_schedules",
                                  "batch_norm")),
    ("Hidden activations", ("sigmoid", "tanh", "relu", "leaky_relu", "prelu", "elu", "selu", "softplus",
                            "maxout")),
    ("Convolutional neural networks", ("cnn_filters", "padding_stride", "pooling", "residual_connections")),
    ("Sequences and attention", ("rnn_lstm_gru", "self_attention", "multi_head_attention", "positional_encoding",
                                 "cross_attention", "language_model", "word_embeddings")),
    ("Generative models", ("autoencoder", "gan")),
]

TOPICS: dict[str, int] = {topic: number for number, (_, topics) in enumerate(CHAPTERS, 1) for topic in topics}


def chapter_of(topics: list[str]) -> tuple[int, str]:
    """(number from 1, title) of the chapter of a lesson's main (first) topic."""
    number = TOPICS[topics[0]]
    return number, CHAPTERS[number - 1][0]
