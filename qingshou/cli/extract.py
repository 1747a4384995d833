"""``qingshou extract``: read a loan contract's terms; ``qingshou synth-contracts``: write synthetic contracts."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer

from core.deps import Deps
from core.domain import CaseFile
from core.repository import CaseNotFoundError
from qingshou.cli.common import deps, fail, print_json
from tools.extraction.document import ContractInputError
from tools.extraction.identities import IdentityVault
from tools.extraction.schema import ExtractionResult


def extract(
    file: Annotated[Path, typer.Argument(help="Contract file: text PDF, DOCX or TXT (at most 100,000 characters)")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the whole result as JSON")] = False,
    case_id: Annotated[str | None, typer.Option("--case", help="Case the contract belongs to")] = None,
    store: Annotated[bool, typer.Option("--store", help="Store the result, linked to --case")] = False,
) -> None:
    """Extract every term of a contract with its source span; check rates, capitals and dates."""
    from agents.extraction.store import ExtractionStore

    d = deps()
    try:
        case = d.cases.get_case(case_id) if case_id else None
        result, vault = asyncio.run(_run(file, d, case))
        if store:
            result.extraction_id = ExtractionStore(d.sessions, d.cipher).save(
                result, vault, file_bytes=file.read_bytes(), actor="cli"
            )
    except ContractInputError as exc:
        fail(f"{file}: {exc}")
    except CaseNotFoundError:
        fail(f"no case {case_id!r}")
    finally:
        d.close()
    if as_json:
        print_json(result.model_dump(mode="json"))
        return
    typer.echo(
        f"{result.file_name}: {result.pages} page(s), {result.chars} characters, model used: {result.model_used}"
    )
    for name, value in result.terms:
        if value is not None and value != []:
            shown = [v.value for v in value] if isinstance(value, list) else value.value
            typer.echo(f"  {name}: {shown}")
    for finding in result.findings:
        typer.echo(f"  [{finding.severity}] {finding.code}: {finding.message}")
    if result.extraction_id:
        typer.echo(f"stored as {result.extraction_id}")


async def _run(file: Path, d: Deps, case: CaseFile | None) -> tuple[ExtractionResult, IdentityVault]:
    from agents.extraction import extract_contract

    gateway = d.gateway if d.settings.model_configured else None
    try:
        return await extract_contract(file, gateway, case=case)
    finally:
        if gateway is not None:
            await gateway.aclose()


def synth_contracts(
    out: Annotated[Path, typer.Argument(help="Folder for the contracts and truth.jsonl")],
    count: Annotated[int, typer.Option(min=1, max=10_000, help="Number of contracts")] = 60,
    seed: Annotated[int, typer.Option(help="Random seed")] = 7,
    long_share: Annotated[float, typer.Option(min=0.0, max=1.0, help="Share padded to ~100k characters")] = 0.1,
) -> None:
    """Write synthetic contracts (bank consumer loan, credit card, property-backed) as PDF, DOCX and TXT."""
    from core.synth.contracts import generate_contracts

    samples = generate_contracts(out, count, seed, long_share=long_share)
    print_json({"out": str(out), "contracts": len(samples), "truth": str(out / "truth.jsonl")})


def register(app: typer.Typer) -> None:
    """Add the extraction commands."""
    app.command("extract")(extract)
    app.command("synth-contracts")(synth_contracts)
