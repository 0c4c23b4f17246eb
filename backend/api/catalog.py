"""/health, /catalog and /presets: what this server is and what a spec may say."""
from __future__ import annotations

from fastapi import APIRouter, HTTPException
from fastapi.responses import JSONResponse

from workers.engine.catalog import Catalog, describe
from workers.engine.presets import PRESETS, PRESETS_BY_NAME

from ..services.health import down_message
from .deps import AppServices, ServerLimits
from .schemas import Health, Preset

router = APIRouter(tags=["catalog"])


@router.get("/health", response_model=Health, response_model_exclude_none=True,
            responses={503: {"model": Health, "description": "A dependency is down; `detail` names it."}})
async def health(services: AppServices):
    """Checks each dependency (the database, and Redis in distributed mode) with one round trip."""
    checks = await services.health.check()
    down = down_message(checks)
    answer = Health(status="unavailable" if down else "ok", runner=services.runner.kind,
                    database=services.database_kind, device=services.device, checks=checks, detail=down)
    if down:
        return JSONResponse(answer.model_dump(exclude_none=True), status_code=503, headers={"Retry-After": "2"})
    return answer


# Unset fields stay out: a 2-D dataset's entry has no `classes: null`, as a kind adds only what it has.
@router.get("/catalog", response_model=Catalog, response_model_exclude_unset=True)
async def catalog(limits: ServerLimits):
    return describe(limits)


@router.get("/presets", response_model=list[Preset], response_model_exclude_none=True)
async def presets():
    return PRESETS


@router.get("/presets/{name}", response_model=Preset, response_model_exclude_none=True)
async def preset(name: str):
    if name not in PRESETS_BY_NAME:
        raise HTTPException(404, f"no preset {name}; see GET /api/v1/presets")
    return PRESETS_BY_NAME[name]
