"""POST /specs/plan: what a spec's network looks like, layer by layer, before it trains.

The page's layer builder shows every layer's output shape and parameter count as the user edits,
from the same plan the engine builds the network from; an impossible stack is a 422 naming the layer.
"""
from __future__ import annotations

import asyncio

from fastapi import APIRouter
from pydantic import BaseModel, Field

from workers.engine.checks import network_plan, problems
from workers.engine.plan import Step

from ..services.errors import InvalidSpec
from .deps import ServerLimits
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
async def plan_spec(body: RunCreate, limits: ServerLimits):
    found = problems(body.spec, limits)
    if found:
        raise InvalidSpec(found)
    planned, shape, outputs = await asyncio.to_thread(network_plan, body.spec)
    return PlanOut(input_shape=list(shape), layers=[_layer(step) for step in planned.steps],
                   output_units=outputs, parameters=planned.parameters)
