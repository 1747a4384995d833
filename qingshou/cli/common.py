"""Helpers shared by CLI commands: settings, dependencies, usage errors."""

from __future__ import annotations

import json
from typing import Any, NoReturn

import typer

from core.deps import Deps, build_deps
from core.settings import load_settings


def fail(message: str) -> NoReturn:
    """Print ``message`` to stderr and exit with code 2 (bad input)."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code=2)


def deps() -> Deps:
    """Settings from the environment and the migrated database."""
    return build_deps(load_settings())


def print_json(payload: Any) -> None:
    """Print JSON (UTF-8, not ASCII-escaped) to stdout."""
    typer.echo(json.dumps(payload, ensure_ascii=False, indent=2, default=str))
