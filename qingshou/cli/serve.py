"""``qingshou serve``: the API and the staff page."""

from __future__ import annotations

import typer
import uvicorn

from core.settings import load_settings


def serve(
    host: str = typer.Option("127.0.0.1", help="Interface to bind"),
    port: int = typer.Option(8000, min=1, max=65535, help="Port"),
) -> None:
    """Serve the API and the staff page; with no keys configured, print a generated local key per role."""
    from server.app import create_app

    settings = load_settings()
    keys = settings.api_key_roles()
    if not settings.api_keys:
        typer.echo("No QINGSHOU_API_KEYS configured; generated local keys (kept in var/api-keys.txt):")
        for key, role in keys.items():
            typer.echo(f"  {role:<11} {key}")
    typer.echo(f"Staff page: http://{host}:{port}/   API docs: http://{host}:{port}/docs")
    if not settings.model_configured:
        typer.echo("No QINGSHOU_LLM_BASE_URL: agents run without a model (rules and templates only).")
    uvicorn.run(create_app(settings), host=host, port=port, log_level="info")


def register(app: typer.Typer) -> None:
    """Add ``serve``."""
    app.command("serve")(serve)
