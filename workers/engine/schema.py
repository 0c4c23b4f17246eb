"""The base of every spec model."""
from pydantic import BaseModel, ConfigDict


class Strict(BaseModel):
    # Unknown keys, strings posing as numbers and NaN/inf are all errors, not guesses.
    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)
