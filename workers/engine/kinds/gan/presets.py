"""The GAN lessons: GAN Lab's ring, covered, and collapsed."""
from __future__ import annotations

GAN_PRESETS: list[dict] = []
