"""/runs: submit, list, read, control and delete runs; their metric history and stored events."""
from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response

from workers.engine.event_schema import Event

from ..services.export import export_run
from .answers import answers
from .bounds import MAX_OFFSET, After
from .deps import Owner, Reads, Runs
from .schemas import ControlIn, MetricHistory, RunCreate, RunOut, RunRename

router = APIRouter(prefix="/runs", tags=["runs"])


@router.post("", status_code=201, response_model=RunOut, responses=answers(409, 429))
async def create_run(body: RunCreate, runs: Runs, caller: Owner):
    """Queue a run of the spec. With `assignment`, the run is for that assignment of one of your classes."""
    return await runs.create(caller, body.spec, body.name, body.assignment)


@router.get("", response_model=list[RunOut])
async def list_runs(reads: Reads, caller: Owner, status: str | None = None,
                    limit: Annotated[int, Query(ge=1, le=500)] = 100,
                    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0):
    return await reads.runs(caller, status, limit, offset)


@router.get("/{run_id}", response_model=RunOut)
async def get_run(run_id: str, reads: Reads, caller: Owner):
    return await reads.run(caller, run_id)


@router.patch("/{run_id}", response_model=RunOut)
async def rename_run(run_id: str, body: RunRename, runs: Runs, caller: Owner):
    """Rename a run, at any point of its life: `{"name": "wide net, lr 0.1"}`; `null` or `""` names it by its
    settings again."""
    return await runs.rename(caller, run_id, body.name or None)


@router.post("/{run_id}/control", status_code=202, response_model=RunOut, responses=answers(409))
async def control_run(run_id: str, body: ControlIn, runs: Runs, caller: Owner):
    """Ask a run to pause, resume, step (one epoch, then pause) or stop, or `set` new values of its
    training (`{"action": "set", "values": {"train.optimizer.lr": 0.1}}`) from its next step on. The
    answer is the run as it was asked; the change arrives on its stream (a status event, or the `lr` of
    the next metrics)."""
    return await runs.control(caller, run_id, body.action, body.values.changes() if body.values else None)


@router.delete("/{run_id}", status_code=204)
async def delete_run(run_id: str, runs: Runs, caller: Owner):
    await runs.delete(caller, run_id)
    return Response(status_code=204)


@router.get("/{run_id}/metrics", response_model=MetricHistory)
async def run_metrics(run_id: str, reads: Reads, caller: Owner):
    """The whole metric history: arrays keyed by metric name, `epoch` and `step` included."""
    return await reads.metrics(caller, run_id)


# Documented, not validated: the stored JSON goes out as it is (the schema is tested against real runs).
EVENTS_RESPONSE = {200: {"model": list[Event], "description": "The stored events with seq > `after`, in order."}}


@router.get("/{run_id}/events", responses=EVENTS_RESPONSE)
async def run_events(run_id: str, reads: Reads, caller: Owner, after: After = 0):
    """The stored events after `after`: every status, metrics and confusion event, the latest of each
    visual kind (dataset, boundary), so seqs may jump where frames were replaced.

    The websocket `WS /api/v1/runs/{id}/stream?after=SEQ` sends the same objects (the `Event` schema),
    one per text message: the stored ones first, then the live ones, closing after the terminal status.
    """
    payloads = await reads.events(caller, run_id, after)
    return Response("[" + ",".join(payloads) + "]", media_type="application/json")




EXPORT_RESPONSES = {200: {"description": "The file: Python source (`text/x-python`) or bytes.",
                          "content": {"text/x-python": {}, "application/octet-stream": {}}},
                    409: {"description": "The run has no final weights yet (state_dict, onnx), or it cannot be "
                          "exported in this format (`detail` says why)."}}


@router.get("/{run_id}/export", response_class=Response, responses=EXPORT_RESPONSES)
async def export_model(run_id: str, reads: Reads, caller: Owner,
                       format: Literal["pytorch", "state_dict", "onnx", "script"] = "pytorch"):
    """The run's model, to use outside the playground (2-D point networks, on generated or uploaded datasets, image
    CNNs, GANs, autoencoders and sequence networks):

    - `pytorch`: a readable Python file with `build_model()` in plain `torch.nn` and `predict()` (how the output
      maps to the answer); for 2-D points `FEATURES` (the inputs it expects, computed from a point by
      `features()`); on an uploaded dataset `FEATURES` (its columns), `MEANS` and `SCALES` (the standardisation
      `features()` applies to the file's own rows), `TARGET`, and `CLASSES` or `TARGET_RANGE`; for images `INPUT`
      (the image shape) and `CLASSES`; for a GAN both networks (`generator`, `discriminator`) with `noise()`,
      `sample()` and `realness()`; for an autoencoder `encode()`, `decode()` and `reconstruct()`; for a sequence
      network `INPUT`, `TOKENS`, `encode()`, `decode()` and `shift_right()` (the decoder's input);
    - `state_dict`: the trained weights, `torch.save` of the state dict, loadable into `build_model()`;
    - `onnx`: the trained model as ONNX, input `features` (batch × features), `images` (batch × C × H × W), for
      a GAN's generator `noise` (batch × noise_dim), or for a sequence network `tokens` (batch × T) or `values`
      (batch × T × 2), with `decoder_input` for decoder blocks; output `output`;
    - `script`: a standalone training script that trains the run again from scratch in plain PyTorch (an uploaded
      dataset's rows, the text tasks' corpus written in; `--csv PATH` trains on a file instead).

    The weights are kept when a run succeeds or is stopped: before that, `state_dict` and `onnx` answer 409.
    """
    exported = await export_run(reads, caller, run_id, format)
    return Response(exported.content, media_type=exported.media_type,
                    headers={"Content-Disposition": f'attachment; filename="{exported.filename}"'})
