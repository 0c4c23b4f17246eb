"""A finished run's model, exported (workers/engine/export): the run reached through the caller's scope,
its stored final weights, the engine's code generation off the event loop."""
from __future__ import annotations

import asyncio

from workers.engine import Spec

from .access import Caller
from .errors import Conflict
from .queries import Queries


async def export_run(queries: Queries, caller: Caller, run_id: str, format: str):
    """The run's model in `format` (an export.Exported); NotFound for a run out of reach, Conflict (409) for
    weights not there yet or a kind export does not cover."""
    run = await queries.run(caller, run_id)
    state = await queries.final_weights(run_id)
    spec = Spec.model_validate(run.spec)

    def exported():
        from workers.engine.export import NotExportable, export

        try:
            return export(run.id, run.name, spec, state, format)
        except NotExportable as refused:
            raise Conflict(f"{refused} (run {run.id} is {run.status})") from None

    return await asyncio.to_thread(exported)
