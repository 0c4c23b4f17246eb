"""/datasets: upload a CSV of points, list, read and delete your datasets; a spec's data.dataset may name one."""
from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, File, Form, Response, UploadFile

from ..services.datasets import name_from_file
from .answers import answers
from .deps import Datasets, Owner
from .schemas import DatasetOut

router = APIRouter(prefix="/datasets", tags=["datasets"])


UPLOADED = {201: {"description": "The dataset, kept."}}


@router.post("", status_code=201, response_model=DatasetOut, responses={**UPLOADED, **answers(409)})
async def upload_dataset(datasets: Datasets, caller: Owner,
                         file: Annotated[UploadFile, File(description="A CSV file: line 1 names the columns, "
                                                          "every other line is one point")],
                         name: Annotated[str | None, Form(description="Its name (default: the file's name "
                                                          "without .csv)")] = None,
                         target: Annotated[str | None, Form(description="The label or target column (default: "
                                                            "the last)")] = None,
                         task: Annotated[Literal["auto", "classification", "regression"],
                                         Form(description="auto: classification when the target holds labels "
                                              "or at most 8 different whole numbers, else regression")] = "auto"):
    """Upload a CSV of points: two or more numeric feature columns and a label or target column. A bad file is
    a 422 whose `loc` is `["body", "file", LINE, COLUMN]` (LINE 1 is the header; either is left out when the
    problem is not one line's or one cell's) and whose `msg` says why. A name you use already is a 409."""
    content = await file.read()
    return await datasets.create(caller, name or name_from_file(file.filename), content, target, task)


@router.get("", response_model=list[DatasetOut])
async def list_datasets(datasets: Datasets, caller: Owner):
    """Your datasets, oldest first."""
    return await datasets.list(caller)


@router.get("/{dataset_name}", response_model=DatasetOut)
async def get_dataset(dataset_name: str, datasets: Datasets, caller: Owner):
    return await datasets.one(caller, dataset_name)


@router.delete("/{dataset_name}", status_code=204)
async def delete_dataset(dataset_name: str, datasets: Datasets, caller: Owner):
    """Runs made on it keep their points."""
    await datasets.delete(caller, dataset_name)
    return Response(status_code=204)

