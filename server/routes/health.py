"""Liveness and readiness probes."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from core.db.migrate import is_migrated
from server.deps import DepsDep

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


@router.get("/readyz", response_model=None)
def readyz(deps: DepsDep) -> JSONResponse:
    """The database answers and is migrated; reports whether a model server is configured."""
    checks: dict[str, str] = {}
    try:
        with deps.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        checks["database"] = "ok" if is_migrated(deps.engine) else "not migrated"
    except SQLAlchemyError as exc:
        checks["database"] = f"error: {type(exc).__name__}"
    checks["model"] = "configured" if deps.settings.model_configured else "not configured (rules only)"
    ready = checks["database"] == "ok"
    return JSONResponse(status_code=200 if ready else 503, content={"ready": ready, "checks": checks})
