"""Tenant partitioning: a key bound to a tenant sees and acts on that tenant's cases (and what hangs off them) only.

A case of another tenant is answered exactly like a case that does not exist (404, same body), so a bound key
cannot learn which case ids other tenants hold. Unbound keys are platform keys: they see every tenant.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Annotated, TypeVar

from fastapi import Depends, HTTPException, Query, status

from core.db.threads import Thread
from core.domain import CaseFile
from core.repository import CaseNotFoundError, CaseRepository
from server.deps import BoundTenant, DepsDep

T = TypeVar("T")
TENANT_PATTERN = r"^[A-Za-z0-9_-]{1,32}$"


@dataclass(frozen=True)
class TenantScope:
    """The caller's view of the portfolio: one tenant (a bound key) or every tenant (``tenant`` None)."""

    cases: CaseRepository
    """The case repository the checks read."""
    tenant: str | None
    """The tenant the caller's key is bound to; None for a platform key."""

    def sees(self, case_id: str) -> bool:
        """Whether the caller may see ``case_id`` (False for an unknown case)."""
        return self.cases.exists(case_id, tenant=self.tenant)

    def require_case(self, case_id: str) -> None:
        """Raise :class:`CaseNotFoundError` unless the case exists and the caller may see it."""
        if not self.sees(case_id):
            raise CaseNotFoundError(case_id)

    def get_case(self, case_id: str) -> CaseFile:
        """The case file, when the caller may see it. Raises :class:`CaseNotFoundError` otherwise."""
        return self.cases.get_case(case_id, tenant=self.tenant)

    def require_cases(self, case_ids: Sequence[str]) -> None:
        """Raise :class:`CaseNotFoundError` for the first id (in order) of a case the caller may not see.

        For a platform key nothing is checked here: unknown ids are reported by whoever loads the cases.
        """
        if self.tenant is None:
            return
        tenants = self.cases.tenants_of(case_ids)
        for case_id in case_ids:
            if tenants.get(case_id) != self.tenant:
                raise CaseNotFoundError(case_id)

    def sees_thread(self, thread: Thread) -> bool:
        """Whether the caller may use ``thread``.

        A bound key sees only threads its own tenant created (a copilot conversation may touch several cases, so the
        tenant is the thread's, not a case's), and of those only ones whose case it may see.
        """
        if self.tenant is not None and (thread.tenant is not None or thread.graph == "copilot"):
            if thread.tenant != self.tenant:
                return False
        return thread.case_id is None or self.sees(thread.case_id)


def only_tenant(
    cases: CaseRepository, items: Iterable[T], case_id_of: Callable[[T], str | None], tenant: str
) -> list[T]:
    """The items whose case belongs to ``tenant``; items without a case belong to no tenant and are left out."""
    rows = list(items)
    tenants = cases.tenants_of(c for c in map(case_id_of, rows) if c is not None)
    return [row for row in rows if (case_id := case_id_of(row)) is not None and tenants.get(case_id) == tenant]


def tenant_scope(deps: DepsDep, bound: BoundTenant) -> TenantScope:
    """The caller's tenant scope (from the ``X-API-Key`` binding)."""
    return TenantScope(cases=deps.cases, tenant=bound)


Scope = Annotated[TenantScope, Depends(tenant_scope)]


def list_tenant(
    bound: BoundTenant,
    tenant: Annotated[
        str | None, Query(pattern=TENANT_PATTERN, description="Only this tenant's rows (a bound key: its own only)")
    ] = None,
) -> str | None:
    """The tenant a list endpoint keeps rows of: the key's own when bound (403 for another), else the ``tenant`` filter.

    None means every tenant (a platform key that asked for no filter).
    """
    if bound is None:
        return tenant
    if tenant is not None and tenant != bound:
        raise HTTPException(
            status.HTTP_403_FORBIDDEN, detail=f"this key is bound to tenant {bound!r}; it may not list {tenant!r}"
        )
    return bound


ListTenant = Annotated[str | None, Depends(list_tenant)]
