"""POST /data/preview: a dataset's points and the input features over the plane, before any training.

The page draws the data, the dataset thumbnails and the input-feature maps from this, so the
generators and the features have one home (the engine) and the browser never re-implements them.
"""
from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field

from workers.engine.event_schema import DatasetData, Tensor
from workers.engine.spec import Data

from ..services import preview as previews
from .deps import AssignmentBook, Datasets, Owner, ServerLimits

router = APIRouter(tags=["data"])


class PreviewIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    data: Data
    grid: Annotated[int, Field(ge=4, le=64, description="cells per side of each feature map")] = 32
    assignment: Annotated[str, Field(max_length=64)] | None = Field(
        None, description="An assignment of one of your classes: its uploaded dataset may be named as if yours.")


class FeatureMap(BaseModel):
    name: str = Field(description="The feature's name in `data.features`.")
    map: Tensor = Field(description="uint8 grid×grid: the feature's value over the plane, row 0 at the top.")


class PreviewOut(DatasetData):
    """The same `extent`, `task`, `train` and `test` as a run's `dataset` event, plus the input features."""
    features: list[FeatureMap]


@router.post("/data/preview", response_model=PreviewOut)
async def preview(body: PreviewIn, limits: ServerLimits, datasets: Datasets, assignments: AssignmentBook,
                  caller: Owner):
    """An uploaded dataset's points (data.dataset naming one of yours, or the dataset of the `assignment` named)
    come standardised, on the two feature columns `axes` names (data.axes, the first two by default), with no
    feature maps."""
    assigned = await assignments.spec_for(caller, body.assignment)
    data = await datasets.resolve_data(caller, body.data, assigned=assigned)
    found = previews.preview_problems(data, limits)
    if found:  # FastAPI's own 422, naming the field of the body at fault
        raise RequestValidationError([{"loc": ("body", *p.loc), "msg": p.msg, "type": p.type} for p in found])
    return await asyncio.to_thread(previews.draw, data, body.grid)

