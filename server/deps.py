"""FastAPI dependencies: the shared ``Deps`` container and API-key authentication with roles."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Header, HTTPException, Request, status

from core.deps import Deps
from core.settings import Role


def get_deps(request: Request) -> Deps:
    """The process's dependencies, built at start-up."""
    deps: Deps = request.app.state.deps
    return deps


DepsDep = Annotated[Deps, Depends(get_deps)]


def current_role(deps: DepsDep, x_api_key: Annotated[str | None, Header()] = None) -> Role:
    """Role of the caller's ``X-API-Key``; 401 when missing or unknown."""
    if not x_api_key:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, detail="missing X-API-Key header")
    role = deps.api_key_roles().get(x_api_key)
    if role is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, detail="unknown API key")
    return role


CurrentRole = Annotated[Role, Depends(current_role)]


def bound_tenant(deps: DepsDep, _role: CurrentRole, x_api_key: Annotated[str | None, Header()] = None) -> str | None:
    """The tenant the caller's key is bound to (``key:role@tenant``), or None for an unbound key."""
    return deps.settings.api_key_tenants().get(x_api_key or "")


BoundTenant = Annotated[str | None, Depends(bound_tenant)]


def require_roles(*allowed: Role) -> Callable[[Role], Role]:
    """A dependency that lets only ``allowed`` roles through (403 otherwise)."""

    def dependency(role: CurrentRole) -> Role:
        if role not in allowed:
            raise HTTPException(
                status.HTTP_403_FORBIDDEN, detail=f"role {role!r} may not do this; allowed: {', '.join(allowed)}"
            )
        return role

    return dependency


# Roles allowed to see unmasked PII of debtors (others get masked values).
PII_ROLES: frozenset[Role] = frozenset({"supervisor", "compliance", "system"})
