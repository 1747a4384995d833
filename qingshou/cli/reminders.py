"""``qingshou reminders``: the nightly batch of automated M0-M1 reminders, drafted, gated and reviewed."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer

from agents.case_workflow.outbox import OutboxLine, reminder_lines, summarise
from agents.triage.node import review_gateway
from core import clock
from core.deps import Deps
from qingshou.cli.common import deps, fail, print_json


async def _batch(d: Deps, out: Path | None, tenant: str | None, limit: int | None) -> list[OutboxLine]:
    lines: list[OutboxLine] = []
    handle = out.open("w", encoding="utf-8") if out else None
    try:
        async for line in reminder_lines(d, now=clock.utc_now(), tenant=tenant, limit=limit):
            lines.append(line)
            if handle:
                handle.write(line.model_dump_json() + "\n")
    finally:
        if handle:
            handle.close()
        await d.aclose()
    return lines


def register(app: typer.Typer) -> None:
    """Add ``reminders``."""

    @app.command("reminders")
    def reminders_command(
        out: Annotated[
            Path | None, typer.Option("--out", help="Write one JSON line per case (the outbox) to this file.")
        ] = None,
        tenant: Annotated[str | None, typer.Option(help="Only this tenant's cases.")] = None,
        limit: Annotated[int | None, typer.Option(min=1, help="At most this many cases.")] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
    ) -> None:
        """Triage the portfolio, then draft, gate and review the reminder of every case on an automated tier.

        Only lines with status "ready" passed compliance review and may be sent, at their send_at.
        """
        if out is not None and (out.is_dir() or not out.parent.is_dir()):
            fail(f"--out: cannot write {out} (a directory, or its folder does not exist)")
        d = deps()
        model_used = review_gateway(d) is not None
        lines = asyncio.run(_batch(d, out, tenant, limit))
        summary = summarise(lines, model_used=model_used)
        if as_json:
            print_json(summary.model_dump() | {"out": str(out) if out else None})
            return
        typer.echo(f"{summary.cases} cases: " + ", ".join(f"{k} {v}" for k, v in sorted(summary.by_status.items())))
        typer.echo("review: rules and model" if model_used else "review: rules only (no model server configured)")
        if out:
            typer.echo(f"outbox: {out} (send only status=ready, at send_at)")
