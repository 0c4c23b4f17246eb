"""Images: the kind of the digits, shapes and textures datasets."""
from .kind import ImageKind

__all__ = ["ImageKind"]
