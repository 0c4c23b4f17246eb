"""2-D points: the kind of the TensorFlow Playground datasets."""
from .kind import PointsKind

__all__ = ["PointsKind"]
