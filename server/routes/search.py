"""Knowledge-base search: ``GET /v1/search`` over regulations, contracts and approved scripts."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query, Request
from pydantic import BaseModel

from retrieval.factory import build_service
from retrieval.models import SearchFilters, SearchHit
from retrieval.service import RetrievalService
from server.deps import BoundTenant, CurrentRole, DepsDep

router = APIRouter(prefix="/v1/search", tags=["search"])
_lock = threading.Lock()


class SearchPublic(BaseModel):
    """Ranked hits with citations."""

    query: str
    collection: str
    mode: str
    hits: list[SearchHit]


def retrieval_for(app: Any) -> RetrievalService:
    """The app's retrieval service, built on first use and kept on ``app.state`` (shared by search and the copilot)."""
    with _lock:
        service: RetrievalService | None = getattr(app.state, "retrieval", None)
        if service is None:
            service = build_service(app.state.deps.settings)
            app.state.retrieval = service
    return service


def _service(request: Request, deps: DepsDep) -> RetrievalService:
    return retrieval_for(request.app)


@router.get("", response_model=SearchPublic)
def search(
    request: Request,
    deps: DepsDep,
    role: CurrentRole,
    q: Annotated[str, Query(min_length=1, max_length=500, description="Question or keywords")],
    collection: Literal["regulations", "contracts", "scripts"] = "regulations",
    mode: Literal["hybrid", "dense", "sparse"] = "hybrid",
    limit: Annotated[int, Query(ge=1, le=50)] = 5,
    jurisdiction: Literal["CN", "US"] | None = None,
    effective_on: dt.date | None = None,
    tenant: Annotated[str | None, Query(max_length=64, description="Caller's tenant; its own documents show")] = None,
    bound: BoundTenant = None,
) -> SearchPublic:
    """Search the knowledge base; every hit carries source, article or clause and chunk id."""
    if not q.strip():
        raise HTTPException(422, detail="q is blank")
    if bound is not None:
        if tenant is not None and tenant != bound:
            raise HTTPException(403, detail=f"this key is bound to tenant {bound!r}; it may not search {tenant!r}")
        tenant = bound
    filters = SearchFilters(jurisdiction=jurisdiction, effective_on=effective_on, tenant=tenant)
    hits = _service(request, deps).search(q, collection, filters=filters, mode=mode, limit=limit)
    return SearchPublic(query=q, collection=collection, mode=mode, hits=hits)
