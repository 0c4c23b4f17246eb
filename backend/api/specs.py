"""POST /specs/plan: what a spec's network looks like, layer by layer, before it trains.
POST /specs/preview: a 2-D network as it starts, drawn before it trains.

The page's layer builder shows every layer's output shape and parameter count as the user edits,
from the same plan the engine builds the network from; an impossible stack is a 422 naming the layer.
The preview is the trainer's first `boundary` frame, computed here without training, so the page
draws the untrained network (every neuron's map, the output, the weights) as soon as it is edited.
"""
from __future__ import annotations

import asyncio
import threading

import torch
from fastapi import APIRouter
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from workers.engine.checks import Problem, network_plan, problems
from workers.engine.datasets import dataset_of
from workers.engine.kinds import kind_for
from workers.engine.kinds.points.about import POINTS
from workers.engine.plan import Step
from workers.engine.probes.boundary import BoundaryData
from workers.engine.spec import Spec

from ..services.errors import InvalidSpec
from .deps import AssignmentBook, Datasets, Owner, ServerLimits
from .schemas import RunCreate

router = APIRouter(tags=["specs"])


class LayerPlan(BaseModel):
    name: str = Field(description="conv1, maxpool1, dense1, res1, res1.conv1, ...: as in metrics and events.")
    type: str
    output_shape: list[int] = Field(description="C×H×W for images, [units] once flat, [T, width] for sequences "
                                    "([T] for tokens); one example, no batch.")
    parameters: int = Field(description="Its weights and biases (a residual block's: its layers' and projection's).")
    layers: list[LayerPlan] = Field(default_factory=list, description="A residual block's own layers.")


class PlanOut(BaseModel):
    input_shape: list[int] = Field(description="C×H×W of the images, [features] for 2-D data, [T] for a token "
                                   "sequence or [T, 2] for sine's (value, known) steps.")
    layers: list[LayerPlan]
    output_units: int = Field(description="The output layer's units: the classes (a sequence task's vocabulary, at "
                              "every step), or 1.")
    parameters: int = Field(description="The whole network's, the output layer included.")


def _layer(step: Step) -> LayerPlan:
    return LayerPlan(name=step.name, type=step.type, output_shape=list(step.shape_out),
                     parameters=step.parameters, layers=[_layer(inner) for inner in step.inner])


@router.post("/specs/plan", response_model=PlanOut)
async def plan_spec(body: RunCreate, limits: ServerLimits, datasets: Datasets, assignments: AssignmentBook,
                    caller: Owner):
    spec = await datasets.resolve(caller, body.spec, await assignments.spec_for(caller, body.assignment))
    found = problems(spec, limits)
    if found:
        raise InvalidSpec(found)
    planned, shape, outputs = await asyncio.to_thread(network_plan, spec)
    return PlanOut(input_shape=list(shape), layers=[_layer(step) for step in planned.steps],
                   output_units=outputs, parameters=planned.parameters)


# torch's default generator is process-wide: one preview at a time seeds and draws from it, inside
# fork_rng so nothing else in the server sees its state change.
_seeding = threading.Lock()


def initial_boundary(spec: Spec) -> dict | None:
    """The `boundary` data of the network as the trainer initialises it (workers/engine/loop.py's Run:
    seed, then the kind with its visuals), before any step; None for data that is not 2-D points."""
    with _seeding, torch.random.fork_rng(devices=[]):
        torch.manual_seed(spec.train.seed)
        kind = kind_for(spec.data.dataset, spec.data)(spec, "cpu", True)
        return next((data for name, data in kind.frame_events(True) if name == "boundary"), None)


def _is_points(spec: Spec) -> bool:
    """2-D points: the only data whose network is drawn whole (images and sequences have no boundary)."""
    return dataset_of(spec.data).kind == POINTS.name


@router.post("/specs/preview", response_model=BoundaryData, response_model_exclude_unset=True)
async def preview_spec(body: RunCreate, limits: ServerLimits, datasets: Datasets, assignments: AssignmentBook,
                       caller: Owner):
    spec = await datasets.resolve(caller, body.spec, await assignments.spec_for(caller, body.assignment))
    found = problems(spec, limits)
    if found:
        raise InvalidSpec(found)
    boundary = await run_in_threadpool(initial_boundary, spec) if _is_points(spec) else None
    if boundary is None:
        raise InvalidSpec([Problem(("data", "dataset"), f"{spec.data.dataset} is not 2-D data: "
                                   "only 2-D networks are drawn before they train")])
    return boundary
