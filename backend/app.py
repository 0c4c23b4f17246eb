"""The app factory: one settings object in, a FastAPI app with its services out."""
from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

import sqlalchemy
from fastapi import APIRouter, Depends, FastAPI, HTTPException
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from workers.device import resolve_device

from .api import (answers, assignments, auth, catalog, classes, data, datasets, errors, metrics, runs, specs, stream,
                  wall)
from .api.body_limit import BodyLimit
from .api.deps import current_user
from .api.metrics import RequestMetrics
from .api.origin import SameOriginWebsockets
from .db.session import make_engine, make_sessionmaker, migrate
from .events import make_bus
from .runners import make_runner
from .services.accounts import Accounts
from .services.assignments import Assignments
from .services.classes import Classes
from .services.container import Services
from .services.csv_table import CsvLimits
from .services.datasets import Datasets
from .services.health import HealthChecks
from .services.queries import Queries
from .services.quotas import Quotas
from .services.recorder import Recorder
from .services.runs import RunService
from .services.stream import StreamService
from .services.telemetry import Telemetry
from .services.time_limits import TimeLimits
from .services.viewers import ViewerLimits
from .services.wall import WallService
from .settings import Settings

API_PREFIX = "/api/v1"
FRONTEND_DIST = Path(__file__).resolve().parents[1] / "frontend" / "dist"


class Page(StaticFiles):
    """The built page, at every path the API does not answer. A request the router matched only by path (a
    GET of a POST-only route) comes here too, as a full match beats a partial one: an API path is never
    the page's, so it is the 405 naming the path's methods, or a 404."""

    async def get_response(self, path: str, scope):
        if scope["path"].startswith(API_PREFIX + "/"):
            raise HTTPException(405 if answers.allowed_methods(scope["app"], scope["path"]) else 404)
        return await super().get_response(path, scope)


@contextlib.asynccontextmanager
async def lifespan(app: FastAPI):
    settings: Settings = app.state.settings
    url = settings.resolved_database_url
    try:
        await asyncio.to_thread(migrate, url)
    except sqlalchemy.exc.OperationalError as error:
        where = sqlalchemy.engine.make_url(url).render_as_string(hide_password=True)
        raise RuntimeError(f"cannot reach the database at {where}: {error.orig}") from None
    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    device = resolve_device(settings.device)
    bus = make_bus(settings)
    runner = make_runner(settings, bus, device)
    telemetry: Telemetry = app.state.telemetry
    recorder = Recorder(sessions, bus, telemetry)
    queries = Queries(sessions)
    dataset_book = Datasets(sessions, CsvLimits(settings.max_dataset_rows, settings.max_dataset_columns),
                            settings.max_datasets_per_user)
    assignment_book = Assignments(sessions, settings.limits, dataset_book)
    runs_service = RunService(sessions, queries, bus, runner, recorder, settings.limits, Quotas.of(settings),
                              assignment_book, dataset_book)
    accounts = Accounts(sessions, settings.token_seconds)
    viewer_limits = ViewerLimits(settings.max_viewers_per_run, settings.max_viewers_per_client)
    streams = StreamService(queries, bus, recorder, viewer_limits, snapshot_metrics=settings.snapshot_metrics,
                            telemetry=telemetry)
    classes_service = Classes(sessions, accounts)
    app.state.services = Services(settings=settings, device=device, database_kind=engine.dialect.name, bus=bus,
                                  runner=runner, recorder=recorder, queries=queries, runs=runs_service,
                                  streams=streams, accounts=accounts, classes=classes_service,
                                  assignments=assignment_book, walls=WallService(classes_service, queries, streams),
                                  health=HealthChecks({"database": queries.ping, **bus.dependencies}),
                                  telemetry=telemetry, datasets=dataset_book)
    time_limits = TimeLimits(queries, runner, settings.reap_seconds, settings.effective_limit("max_run_seconds"),
                             settings.effective_limit("max_paused_seconds"))
    jobs = (recorder.run(), *runner.watchdogs(queries), *([time_limits.run()] if time_limits.needed else []))
    background = [asyncio.create_task(job) for job in jobs]
    await runner.start()
    await runs_service.recover()
    try:
        yield
    finally:
        await runner.stop()
        for task in background:
            task.cancel()
        for task in background:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        engine.dispose()


def _serve_docs(app: FastAPI) -> None:
    """/docs with Swagger UI's files from the built page (frontend/vite.config.ts copies them), not a CDN:
    the API's docs work on a classroom network without internet."""

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json", title=f"{app.title} API",
            swagger_js_url="/swagger/swagger-ui-bundle.js", swagger_css_url="/swagger/swagger-ui.css",
            swagger_favicon_url="/swagger/favicon-32x32.png")


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    app = FastAPI(title="Neural Playground", version="0.1.0", lifespan=lifespan, docs_url=None,
                  description="Describe a network and its training as a spec; watch it train live.")
    _serve_docs(app)
    app.state.settings = settings
    api = APIRouter(prefix=API_PREFIX)
    for module in (auth, catalog, classes, assignments):  # public, or each route names who may call it
        api.include_router(module.router)
    # With accounts, a signed-in user only (a route added here too):
    for module in (data, datasets, runs, specs, stream, wall):
        api.include_router(module.router, dependencies=[Depends(current_user)])
    app.include_router(api)
    app.include_router(metrics.router)  # GET /metrics, where Prometheus looks by default
    errors.install(app)
    answers.install(app)
    app.add_middleware(SameOriginWebsockets, allowed=app.state.settings.allowed_origins)
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)  # before anything reads a body
    app.state.telemetry = Telemetry()
    app.add_middleware(RequestMetrics, telemetry=app.state.telemetry)  # outermost: a refused handshake counts too
    if FRONTEND_DIST.is_dir():  # after the API routes, so /api/... never falls through to the page
        app.mount("/", Page(directory=FRONTEND_DIST, html=True), name="frontend")
    return app
