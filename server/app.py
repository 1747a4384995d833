"""The FastAPI application: lifespan builds dependencies and the checkpointer, routers do the rest."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from core.db.threads import ThreadStore
from core.deps import Deps, build_deps
from core.repository import CaseNotFoundError
from core.settings import Settings, get_settings
from graphs import copilot as copilot_graph
from graphs import negotiation as negotiation_graph
from graphs.case_workflow import compile_graph
from graphs.checkpointing import open_saver
from server.idempotency import IdempotencyMiddleware
from server.routes import (
    agents,
    cases,
    chat,
    compliance,
    extraction,
    health,
    negotiation,
    outbox,
    redact,
    search,
    threads,
    ui,
    valuation,
)
from tools.triage.model.card import ModelArtifactError

log = logging.getLogger("qingshou.server")


def create_app(settings: Settings | None = None, deps: Deps | None = None) -> FastAPI:
    """Build the app; ``deps`` may be injected (tests), otherwise it is built from ``settings`` at start-up."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app_deps = deps or build_deps(settings or get_settings())
        app.state.deps = app_deps
        app.state.threads = ThreadStore(app_deps.sessions)
        async with open_saver(app_deps.settings) as saver:
            app.state.workflow = compile_graph(saver)
            app.state.negotiation = negotiation_graph.compile_graph(saver)
            app.state.copilot = copilot_graph.compile_graph(saver)
            app.state.retrieval_service = lambda: search.retrieval_for(app)
            yield
        if (retrieval := getattr(app.state, "retrieval", None)) is not None:
            retrieval.close()
        # The gateway's HTTP client belongs to this event loop: always close it; the engine only if we built it.
        if "gateway" in app_deps.__dict__:
            await app_deps.gateway.aclose()
        if deps is None:
            app_deps.close()

    app = FastAPI(
        title="Qingshou 清收 API",
        version="0.1.0",
        description="Agent endpoints and case data for non-performing personal loan recovery.",
        lifespan=lifespan,
    )
    routers = (
        health,
        cases,
        agents,
        valuation,
        negotiation,
        compliance,
        extraction,
        outbox,
        search,
        threads,
        chat,
        redact,
        ui,
    )
    for module in routers:
        app.include_router(module.router)
    app.add_middleware(IdempotencyMiddleware)

    @app.exception_handler(CaseNotFoundError)
    async def _unknown_case(_: Request, exc: CaseNotFoundError) -> JSONResponse:
        return JSONResponse(status_code=404, content={"detail": f"unknown case: {exc.args[0]}"})

    @app.exception_handler(ModelArtifactError)
    async def _artifact(_: Request, exc: ModelArtifactError) -> JSONResponse:
        return JSONResponse(status_code=503, content={"detail": f"propensity model unavailable: {exc}"})

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"loc": list(e.get("loc", ())), "msg": str(e.get("msg")), "type": str(e.get("type"))} for e in exc.errors()
        ]
        return JSONResponse(status_code=422, content={"detail": errors})

    return app
