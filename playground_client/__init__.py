"""A Python client for a Neural Playground server: submit a spec, watch it train, read and export its runs.

It needs httpx and websockets only, never torch nor the server's code, so a notebook or a script on any
machine can drive a server elsewhere::

    from playground_client import Client

    run = Client("http://127.0.0.1:8000").submit({"data": {"dataset": "xor"}, "train": {"epochs": 20}}).watch()
    print(run.status, run.summary["test_accuracy"])

docs/cli.md documents it, and the `playground submit / runs / watch / export` commands built on it.
"""
from __future__ import annotations

from .api import DEFAULT_SERVER, ApiError, Client, Run, Unreachable

__all__ = ["Client", "Run", "ApiError", "Unreachable", "DEFAULT_SERVER"]
