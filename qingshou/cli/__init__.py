"""The ``qingshou`` command line. Each module in this package registers its own commands."""

from __future__ import annotations

import importlib
import os
import sys

import typer

from core.settings import SettingsError

app = typer.Typer(
    name="qingshou",
    help="清收 Qingshou: collection copilot for non-performing personal loans.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

# Modules that add commands with ``register(app)``; kept in one list so ``--help`` is stable.
_COMMAND_MODULES = (
    "data",
    "triage",
    "serve",
    "evalcmd",
    "redact",
    "workflow",
    "reminders",
    "value",
    "negotiate",
    "extract",
    "legal",
    "review",
    "search",
    "ingest",
    "ask",
)


def _register() -> None:
    for name in _COMMAND_MODULES:
        try:
            module = importlib.import_module(f"qingshou.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"qingshou.cli.{name}":
                raise
            continue
        module.register(app)


_register()


def main() -> None:
    """Console-script entry point: settings errors and usage errors exit with code 2."""
    os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")
    try:
        app()
    except SettingsError as exc:
        typer.echo(f"configuration error:\n{exc}", err=True)
        sys.exit(2)
