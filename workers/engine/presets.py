"""Named, ready specs: the lessons, every kind's (kinds/*/presets.py). Each is plain data that must pass the
same validation as any spec.

A lesson that contrasts two settings has a second spec under `compare` ({"title", "spec"}).
"""
from __future__ import annotations

from .kinds import KINDS

PRESETS: list[dict] = [preset for about in KINDS.values() for preset in about.presets]

PRESETS_BY_NAME = {preset["name"]: preset for preset in PRESETS}
