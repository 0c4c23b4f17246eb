"""Sequences: the kind of the token and value sequence tasks."""
from .kind import SequenceKind

__all__ = ["SequenceKind"]
