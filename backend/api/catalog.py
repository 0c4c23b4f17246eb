"""/health, /catalog and /presets: what this server is and what a spec may say."""
from __future__ import annotations

from fastapi import APIRouter, HTTPException

from workers.engine.catalog import Catalog, describe
from workers.engine.presets import PRESETS, PRESETS_BY_NAME

from .deps import AppServices, ServerLimits
from .schemas import Health, Preset

router = APIRouter(tags=["catalog"])


@router.get("/health", response_model=Health)
async def health(services: AppServices):
    return Health(status="ok", runner=services.runner.kind, database=services.database_kind, device=services.device)


# Unset fields stay out: a 2-D dataset's entry has no `classes: null`, as a kind adds only what it has.
@router.get("/catalog", response_model=Catalog, response_model_exclude_unset=True)
async def catalog(limits: ServerLimits):
    return describe(limits)


@router.get("/presets", response_model=list[Preset])
async def presets():
    return PRESETS


@router.get("/presets/{name}", response_model=Preset)
async def preset(name: str):
    if name not in PRESETS_BY_NAME:
        raise HTTPException(404, f"no preset {name}; see GET /api/v1/presets")
    return PRESETS_BY_NAME[name]
