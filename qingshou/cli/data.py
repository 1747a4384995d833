"""``qingshou data``: generate the synthetic portfolio and make sure a demo one exists."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from core.synth import DEFAULT_AS_OF, SynthError, SynthReport, synthesize
from qingshou.cli.common import deps, fail, print_json

data_app = typer.Typer(help="Synthetic portfolio data.", no_args_is_help=True)


def _as_of(value: str | None) -> dt.date:
    if value is None:
        return DEFAULT_AS_OF
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        fail(f"--as-of must be a date like 2026-11-01, got {value!r}")


def _summary(report: SynthReport) -> dict[str, object]:
    return {
        "cases": report.cases,
        "seed": report.seed,
        "as_of": report.as_of.isoformat(),
        "rows": report.rows,
        "total_rows": report.total_rows,
        "seconds": report.seconds,
        "cases_per_second": round(report.cases / report.seconds) if report.seconds else None,
        "out": str(report.out) if report.out else None,
        "replaced_cases": report.replaced_cases,
    }


@data_app.command("synth")
def synth(
    cases: Annotated[int, typer.Option("--cases", help="Number of cases to generate.")],
    seed: Annotated[int, typer.Option("--seed", help="Random seed; the same seed gives the same data.")] = 42,
    out: Annotated[Path | None, typer.Option("--out", help="Also write one PII-free row per case to Parquet.")] = None,
    replace: Annotated[bool, typer.Option("--replace", help="Delete an existing portfolio first.")] = False,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Snapshot date, YYYY-MM-DD (default 2026-11-01).")
    ] = None,
    workers: Annotated[int, typer.Option("--workers", min=0, max=64, help="Worker processes.")] = 2,
) -> None:
    """Fill the database with a synthetic retail NPL portfolio."""
    if cases < 1:
        fail(f"--cases must be a positive number, got {cases}")
    if out is not None and out.suffix != ".parquet":
        fail(f"--out must name a .parquet file, got {out}")
    snapshot = _as_of(as_of)
    d = deps()
    try:
        report = synthesize(d.engine, d.cipher, cases, seed, as_of=snapshot, out=out, replace=replace, workers=workers)
    except SynthError as exc:
        fail(str(exc))
    finally:
        d.close()
    print_json(_summary(report))


@data_app.command("ensure-demo")
def ensure_demo(
    cases: Annotated[int, typer.Option("--cases", help="Cases in the demo portfolio.")] = 2000,
    seed: Annotated[int, typer.Option("--seed", help="Random seed.")] = 42,
) -> None:
    """Migrate the database and create the demo portfolio if it holds no cases (safe to run repeatedly)."""
    if cases < 1:
        fail(f"--cases must be a positive number, got {cases}")
    d = deps()
    try:
        present = d.cases.count()
        if present:
            typer.echo(f"database migrated; portfolio already present ({present:,} cases), nothing generated")
            return
        report = synthesize(d.engine, d.cipher, cases, seed)
    except SynthError as exc:
        fail(str(exc))
    finally:
        d.close()
    typer.echo(
        f"database migrated; generated demo portfolio: {report.cases:,} cases, {report.total_rows:,} rows, "
        f"seed {seed}, as of {report.as_of.isoformat()} in {report.seconds:.1f}s"
    )


def register(app: typer.Typer) -> None:
    """Add the ``data`` command group."""
    app.add_typer(data_app, name="data")
