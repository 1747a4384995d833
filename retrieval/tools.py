"""Retrieval tools for agents: typed inputs and outputs, every hit with its citation."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, Field

from core.repository import CaseRepository
from retrieval.cases import CaseIndex, SimilarCase
from retrieval.models import SearchFilters, SearchHit
from retrieval.service import RetrievalService


@dataclass
class RetrievalDeps:
    """What the retrieval tools need, passed in by the caller (never built inside a tool)."""

    service: RetrievalService
    cases: CaseRepository | None = None
    tenant: str | None = None
    """The caller's tenant: its own contracts and cases are visible, no other tenant's."""


class SearchRegulationsInput(BaseModel):
    """Find the rule that applies."""

    query: str = Field(min_length=1, max_length=500, description="The question, in Chinese or English")
    jurisdiction: Literal["CN", "US"] | None = Field(default=None, description="Only rules of this jurisdiction")
    effective_on: dt.date | None = Field(default=None, description="Only rules in force on this date")
    limit: int = Field(default=5, ge=1, le=20)


class SearchContractsInput(BaseModel):
    """Find a clause in the tenant's loan contracts."""

    query: str = Field(min_length=1, max_length=500, description="What the clause is about")
    source: str | None = Field(default=None, description="Only this contract file (its source key)")
    limit: int = Field(default=5, ge=1, le=20)


class FindScriptsInput(BaseModel):
    """Find approved collection scripts and message templates."""

    query: str = Field(min_length=1, max_length=500, description="The situation, e.g. '债务人失业，要求延期'")
    limit: int = Field(default=3, ge=1, le=10)


class SimilarCasesInput(BaseModel):
    """Find cases like this one."""

    case_id: str = Field(min_length=1, description="The case to compare against")
    limit: int = Field(default=5, ge=1, le=20)


class SearchOutput(BaseModel):
    """Ranked hits; each carries its citation (source, article or clause, chunk id)."""

    hits: list[SearchHit]


class SimilarCasesOutput(BaseModel):
    """Similar cases of the same tenant with redacted summaries."""

    cases: list[SimilarCase]


def search_regulations(deps: RetrievalDeps, args: SearchRegulationsInput) -> SearchOutput:
    """Search the regulation pack and ingested rules for the article that answers a compliance question.

    Args:
        deps: Retrieval dependencies.
        args: The question and optional jurisdiction and effective-date filters.
    """
    filters = SearchFilters(jurisdiction=args.jurisdiction, effective_on=args.effective_on, tenant=deps.tenant)
    return SearchOutput(hits=deps.service.search(args.query, "regulations", filters=filters, limit=args.limit))


def search_contracts(deps: RetrievalDeps, args: SearchContractsInput) -> SearchOutput:
    """Search the caller's tenant's loan contracts for a clause.

    Args:
        deps: Retrieval dependencies (the tenant decides which contracts are visible).
        args: What the clause is about, optionally one contract.
    """
    filters = SearchFilters(tenant=deps.tenant, source=args.source)
    return SearchOutput(hits=deps.service.search(args.query, "contracts", filters=filters, limit=args.limit))


def find_scripts(deps: RetrievalDeps, args: FindScriptsInput) -> SearchOutput:
    """Find approved scripts (reminders, negotiation openings, hardship responses) for a situation.

    Args:
        deps: Retrieval dependencies.
        args: The situation.
    """
    filters = SearchFilters(tenant=deps.tenant)
    return SearchOutput(hits=deps.service.search(args.query, "scripts", filters=filters, limit=args.limit))


def similar_cases(deps: RetrievalDeps, args: SimilarCasesInput) -> SimilarCasesOutput:
    """Find the caller's tenant's cases most like a given case, by normalised features.

    Args:
        deps: Retrieval dependencies (needs the case repository).
        args: The case and how many to return.

    Raises:
        LookupError: the case does not exist or belongs to another tenant.
    """
    if deps.cases is None:
        raise ValueError("similar_cases needs the case repository")
    if not deps.cases.exists(args.case_id):
        raise LookupError(f"no case {args.case_id!r}")
    case = deps.cases.get_case(args.case_id)
    if deps.tenant is not None and case.tenant != deps.tenant:
        raise LookupError(f"no case {args.case_id!r}")
    return SimilarCasesOutput(cases=CaseIndex(deps.service.kb.store).similar(case, limit=args.limit))


TOOLS = [search_regulations, search_contracts, find_scripts, similar_cases]
