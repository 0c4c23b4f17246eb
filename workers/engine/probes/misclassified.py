"""`misclassified` events: the test images the network gets most confidently wrong, with what it said."""
from __future__ import annotations

import torch

from ..events import quantized

MISCLASSIFIED_IMAGES = 8


def misclassified_event(images: torch.Tensor, labels: torch.Tensor, outputs: torch.Tensor,
                        classes: list[str]) -> dict:
    """From the test split's images (N, C, H, W), labels (N,) and the network's outputs (N, K)."""
    probabilities = torch.softmax(outputs.float(), dim=1)
    confidence, predicted = probabilities.max(dim=1)
    wrong = (predicted != labels).nonzero().flatten()
    worst = wrong[confidence[wrong].argsort(descending=True)[:MISCLASSIFIED_IMAGES]]  # the surest mistakes
    return {
        "count": len(wrong),
        "total": len(labels),
        "indices": worst.tolist(),
        "images": quantized(images[worst], 0.0, 1.0),  # (n, C, H, W)
        "true": [classes[c] for c in labels[worst].tolist()],
        "predicted": [classes[c] for c in predicted[worst].tolist()],
        "confidence": [round(float(p), 4) for p in confidence[worst]],
    }
