"""Which torch device trains: PLAYGROUND_DEVICE resolved against what this machine has."""


def resolve_device(requested: str) -> str:
    import torch

    if requested == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if requested == "cuda" and not torch.cuda.is_available():
        raise RuntimeError("PLAYGROUND_DEVICE=cuda, but torch sees no CUDA device on this machine")
    return requested
