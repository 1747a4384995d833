"""``qingshou ingest`` (files into a collection, idempotent by content hash) and ``qingshou index-cases``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress

from core.settings import load_settings
from qingshou.cli.common import deps, fail, print_json
from retrieval.cases import CaseIndex
from retrieval.factory import build_service
from retrieval.ingest import MODES, expand_paths
from retrieval.models import SHARED_TENANT, DocMeta, FileOutcome


def register(app: typer.Typer) -> None:
    """Add the ``ingest`` and ``index-cases`` commands."""

    @app.command("ingest")
    def ingest(
        paths: Annotated[list[Path], typer.Argument(help="Files or directories (PDF, DOCX, HTML, TXT, MD, EML)")],
        collection: Annotated[str, typer.Option(help="regulations, contracts or scripts")] = "regulations",
        tenant: Annotated[str, typer.Option(help="Owning tenant; _shared makes it visible to all")] = SHARED_TENANT,
        delete: Annotated[bool, typer.Option("--delete", help="Remove these files' chunks")] = False,
        title: Annotated[str | None, typer.Option(help="Title (default: the file name)")] = None,
        issuer: Annotated[str, typer.Option(help="Issuing body")] = "",
        jurisdiction: Annotated[str, typer.Option(help="CN or US")] = "",
        doc_type: Annotated[str, typer.Option(help="regulation, contract, script, ...")] = "",
        effective_from: Annotated[str | None, typer.Option(help="In force from (YYYY-MM-DD)")] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON")] = False,
    ) -> None:
        """Ingest files; a bad file is reported and the rest go on (exit 2 if any failed)."""
        if collection not in MODES:
            fail(f"--collection must be one of {', '.join(MODES)}, not {collection!r}")
        start = None
        if effective_from:
            try:
                start = dt.date.fromisoformat(effective_from)
            except ValueError:
                fail(f"--effective-from must be a date YYYY-MM-DD, not {effective_from!r}")
        template = DocMeta(
            collection=collection,
            source="",
            title=title or "",
            issuer=issuer,
            jurisdiction=jurisdiction,
            doc_type=doc_type
            or {"regulations": "regulation", "contracts": "contract", "scripts": "script"}[collection],
            effective_from=start,
        )
        files = expand_paths(paths)
        if not files:
            fail("no files to ingest")
        service = build_service(load_settings())
        try:
            with Progress(transient=True, disable=as_json) as progress:
                task = progress.add_task("ingesting", total=len(files))

                def advance(outcome: FileOutcome) -> None:
                    progress.advance(task)
                    if not as_json:
                        detail = outcome.error or f"{outcome.chunks} chunks"
                        progress.console.print(f"{outcome.status:>9}  {outcome.path}  ({detail})")

                report = service.ingest(
                    files,
                    collection,
                    tenant=tenant,
                    template=template,
                    delete=delete,
                    on_file=advance,
                )
        finally:
            service.close()
        if as_json:
            print_json(report.model_dump(mode="json"))
        else:
            typer.echo(
                f"{len(report.files)} files, {report.chunks_written} chunks written, {report.failed} failed "
                f"in {report.seconds:.1f} s"
            )
        if report.failed:
            raise typer.Exit(code=2)

    @app.command("index-cases")
    def index_cases(
        tenant: Annotated[str | None, typer.Option(help="Only this tenant's cases")] = None,
        limit: Annotated[int, typer.Option(min=1, help="At most this many cases")] = 100_000,
    ) -> None:
        """Index cases (features and redacted summaries, no PII) for similar-case search."""
        from core.repository import CaseFilters

        d = deps()
        service = build_service(d.settings)
        try:
            index = CaseIndex(service.kb.store)
            total, offset, page = 0, 0, 500
            while offset < limit:
                rows = d.cases.list_cases(min(page, limit - offset), offset, CaseFilters(tenant=tenant))
                if not rows:
                    break
                total += index.index(d.cases.get_case(r.id) for r in rows)
                offset += len(rows)
        finally:
            service.close()
            d.close()
        typer.echo(f"indexed {total} cases")
