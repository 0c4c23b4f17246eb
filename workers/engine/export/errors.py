"""Why a run cannot be exported (the API answers 409 with the message)."""
from __future__ import annotations


class NotExportable(Exception):
    pass
