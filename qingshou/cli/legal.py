"""``qingshou draft-legal`` (complaint, preservation, payment order as DOCX) and ``qingshou legal-docs`` decisions."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Literal

import typer

from core.repository import CaseNotFoundError
from qingshou.cli.common import deps, fail, print_json
from tools.legal.claims import ClaimsError
from tools.legal.drafting import DraftingError
from tools.legal.store import LegalDocumentError, LegalDocumentNotFoundError, LegalDocumentStore

docs_app = typer.Typer(help="Drafted legal documents: show, approve or reject (supervisors).", no_args_is_help=True)

ApiKey = Annotated[
    str | None, typer.Option("--api-key", envvar="QINGSHOU_API_KEY", help="Your API key; it decides your role")
]


def _write(out: Path, content: bytes) -> None:
    if out.suffix.lower() != ".docx":
        fail(f"--out must name a .docx file, not {out.name!r}")
    if not out.parent.is_dir():
        fail(f"folder {out.parent} does not exist")
    out.write_bytes(content)


def draft_legal(
    case_id: Annotated[str, typer.Argument(help="Case id")],
    kind: Annotated[Literal["complaint", "preservation", "payment-order"], typer.Option(help="Document kind")],
    out: Annotated[Path, typer.Option(help="DOCX file to write")],
    claim_date: Annotated[
        dt.datetime | None, typer.Option("--to", formats=["%Y-%m-%d"], help="Count interest to this date")
    ] = None,
) -> None:
    """Draft a legal document from the case's stored contract extraction; it stays pending until approved."""
    from agents.extraction.legal import draft_for_case

    if out.suffix.lower() != ".docx":
        fail(f"--out must name a .docx file, not {out.name!r}")
    d = deps()
    try:
        drafted = draft_for_case(d, case_id, kind, actor="cli", claim_date=claim_date.date() if claim_date else None)
    except CaseNotFoundError:
        fail(f"no case {case_id!r}")
    except (DraftingError, ClaimsError) as exc:
        fail(str(exc))
    finally:
        d.close()
    _write(out, drafted.content)
    record = drafted.record
    typer.echo(f"drafted {record.kind} {record.id} for case {record.case_id}: status {record.status} (not final)")
    for line in record.claims.lines:
        typer.echo(f"  {line.label}: {line.amount:f}  [{line.formula}]{'  ' + line.note if line.note else ''}")
    typer.echo(f"  合计 total: {record.claims.total:f} ({record.claims.total_capitals})")
    if not record.claims.verified:
        typer.echo(f"  cap {record.claims.cap.basis}: UNVERIFIED data ({record.claims.cap.rule})")
    for warning in drafted.warnings:
        typer.echo(f"  warning: {warning}")
    typer.echo(f"written to {out}; a supervisor approves it with `qingshou legal-docs approve {record.id}`")


@docs_app.command("show")
def show(document_id: Annotated[str, typer.Argument(help="Document id")]) -> None:
    """Print a document's status and claims as JSON (no names)."""
    d = deps()
    try:
        record = LegalDocumentStore(d.sessions, d.cipher).get(document_id)
    except LegalDocumentNotFoundError:
        fail(f"no legal document {document_id!r}")
    finally:
        d.close()
    print_json(record.model_dump(mode="json"))


def _decide(document_id: str, approve: bool, note: str, api_key: str | None, out: Path | None) -> None:
    d = deps()
    try:
        role = d.api_key_roles().get(api_key) if api_key else None
        if api_key is None:
            fail("this needs a supervisor's --api-key (or QINGSHOU_API_KEY)")
        if role != "supervisor":
            fail(f"role {role or 'unknown'!r} may not approve or reject legal documents; supervisors only")
        store = LegalDocumentStore(d.sessions, d.cipher)
        record = store.decide(document_id, approve=approve, actor=f"cli:{role}", note=note)
        content = store.content(document_id) if out is not None and approve else None
    except LegalDocumentNotFoundError:
        fail(f"no legal document {document_id!r}")
    except LegalDocumentError as exc:
        fail(str(exc))
    finally:
        d.close()
    if out is not None and content is not None:
        _write(out, content)
    print_json({"id": record.id, "status": record.status, "final": record.final, "by": record.approved_by})


@docs_app.command("approve")
def approve(
    document_id: Annotated[str, typer.Argument(help="Document id")],
    api_key: ApiKey = None,
    note: Annotated[str, typer.Option(help="Why")] = "",
    out: Annotated[Path | None, typer.Option(help="Write the final DOCX here")] = None,
) -> None:
    """Approve a pending document: it becomes final."""
    _decide(document_id, True, note, api_key, out)


@docs_app.command("reject")
def reject(
    document_id: Annotated[str, typer.Argument(help="Document id")],
    api_key: ApiKey = None,
    note: Annotated[str, typer.Option(help="Why")] = "",
) -> None:
    """Reject a pending document."""
    _decide(document_id, False, note, api_key, None)


def register(app: typer.Typer) -> None:
    """Add the legal document commands."""
    app.command("draft-legal")(draft_legal)
    app.add_typer(docs_app, name="legal-docs")
