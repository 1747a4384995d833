"""``qingshou reminders``: the nightly batch of automated M0-M1 reminders, drafted, gated and reviewed."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer

from agents.case_workflow.outbox import OutboxLine, reminder_lines, store_ready, summarise
from agents.triage.node import review_gateway
from core import clock
from core.db.outbox import StoreResult
from core.deps import Deps
from qingshou.cli.common import deps, fail, print_json


async def _batch(
    d: Deps, out: Path | None, tenant: str | None, limit: int | None, *, store: bool
) -> tuple[list[OutboxLine], StoreResult | None]:
    lines: list[OutboxLine] = []
    stored: StoreResult | None = None
    now = clock.utc_now()
    handle = out.open("w", encoding="utf-8") if out else None
    try:
        async for line in reminder_lines(d, now=now, tenant=tenant, limit=limit):
            lines.append(line)
            if handle:
                handle.write(line.model_dump_json() + "\n")
        if store:
            stored = store_ready(d, lines, now=now)
    finally:
        if handle:
            handle.close()
        await d.aclose()
    return lines, stored


def register(app: typer.Typer) -> None:
    """Add ``reminders``."""

    @app.command("reminders")
    def reminders_command(
        out: Annotated[
            Path | None, typer.Option("--out", help="Write one JSON line per case (the outbox) to this file.")
        ] = None,
        store: Annotated[
            bool,
            typer.Option(
                "--store", help="Store the ready reminders in the database outbox (GET /v1/outbox hands them out)."
            ),
        ] = False,
        tenant: Annotated[str | None, typer.Option(help="Only this tenant's cases.")] = None,
        limit: Annotated[int | None, typer.Option(min=1, help="At most this many cases.")] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
    ) -> None:
        """Triage the portfolio, then draft, gate and review the reminder of every case on an automated tier.

        Only lines with status "ready" passed compliance review and may be sent, at their send_at. With --store they
        are kept in the database for the SMS platform to pull; a case that already has a stored reminder for that
        local day is skipped.
        """
        if out is not None and (out.is_dir() or not out.parent.is_dir()):
            fail(f"--out: cannot write {out} (a directory, or its folder does not exist)")
        d = deps()
        model_used = review_gateway(d) is not None
        lines, stored = asyncio.run(_batch(d, out, tenant, limit, store=store))
        summary = summarise(lines, model_used=model_used)
        if as_json:
            extra = {"stored": stored.model_dump()} if stored else {}
            print_json(summary.model_dump() | {"out": str(out) if out else None} | extra)
            return
        typer.echo(f"{summary.cases} cases: " + ", ".join(f"{k} {v}" for k, v in sorted(summary.by_status.items())))
        typer.echo("review: rules and model" if model_used else "review: rules only (no model server configured)")
        if out:
            typer.echo(f"outbox: {out} (send only status=ready, at send_at)")
        if stored:
            typer.echo(
                f"stored: {stored.stored} ready reminders in batch {stored.batch_id}; "
                f"skipped {stored.skipped} already stored for that day"
            )
