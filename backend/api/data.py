"""POST /data/preview: a dataset's points and the input features over the plane, before any training.

The page draws the data, the dataset thumbnails and the input-feature maps from this, so the
generators and the features have one home (the engine) and the browser never re-implements them.
"""
from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field

from workers.engine.datasets import DATASETS, make_data
from workers.engine.event_schema import DatasetData, Tensor
from workers.engine.probes.boundary import dataset_event_data, feature_maps
from workers.engine.spec import Data

router = APIRouter(tags=["data"])


class PreviewIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    data: Data
    grid: Annotated[int, Field(ge=4, le=64, description="cells per side of each feature map")] = 32


class FeatureMap(BaseModel):
    name: str = Field(description="The feature's name in `data.features`.")
    map: Tensor = Field(description="uint8 grid×grid: the feature's value over the plane, row 0 at the top.")


class PreviewOut(DatasetData):
    """The same `extent`, `task`, `train` and `test` as a run's `dataset` event, plus the input features."""
    features: list[FeatureMap]


def _preview(data: Data, grid: int) -> dict:
    train, test = make_data(data.dataset, data.n_samples, data.noise, data.test_fraction, data.features, data.seed)
    return {**dataset_event_data(DATASETS[data.dataset].task, train, test),
            "features": feature_maps(data.features, grid)}


@router.post("/data/preview", response_model=PreviewOut)
async def preview(body: PreviewIn, request: Request):
    if DATASETS[body.data.dataset].kind != "2d":
        raise RequestValidationError([{"loc": ("body", "data", "dataset"), "type": "value_error",
                                       "msg": f"{body.data.dataset} is not a 2-D dataset; the preview draws points "
                                              "on the plane"}])
    limit = request.app.state.services.settings.limits.max_samples
    if body.data.n_samples > limit:
        raise RequestValidationError([{"loc": ("body", "data", "n_samples"), "type": "less_than_equal",
                                       "msg": f"Input should be less than or equal to {limit}"}])
    n_test = round(body.data.n_samples * body.data.test_fraction)
    if not 0 < n_test < body.data.n_samples:
        raise RequestValidationError([{"loc": ("body", "data", "test_fraction"), "type": "value_error",
                                       "msg": "both the training and the test set need at least one point"}])
    return await asyncio.to_thread(_preview, body.data, body.grid)
