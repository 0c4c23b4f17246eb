"""The opening of every exported module: its docstring, which says where the network comes from and how to load
its weights and use it. One text for every kind, so the exported files read alike."""
from __future__ import annotations


def module_docstring(header: str, *usage: str) -> str:
    """The docstring (and its newline) of an exported module: `header` (export.header), then the lines that load
    the weights and `usage`, the lines that use the model, each run under torch.no_grad()."""
    lines = "".join(f"        {line}\n" for line in usage)
    return f'''"""{header}

Plain PyTorch: nothing here comes from Neural Playground. Load the trained weights (format=state_dict):

    model = build_model()
    model.load_state_dict(torch.load("model.pt"))
    model.eval()
    with torch.no_grad():
{lines}"""
'''
