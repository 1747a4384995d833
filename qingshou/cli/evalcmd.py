"""``qingshou eval``: list the eval suites and run one (exit 1 below threshold, 2 for an unknown suite)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from evals.loader import SUITES_DIR, SuiteConfigError, SuiteNotFoundError, list_suites, load_config, suite_dir
from evals.runner import run_suite
from qingshou.cli.common import fail

eval_app = typer.Typer(help="Evaluation suites (评测): run one, list them.", no_args_is_help=True)

SuitesDir = Annotated[Path, typer.Option("--suites-dir", help="Folder of suites (default: the packaged ones)")]


@eval_app.command("list")
def list_command(suites_dir: SuitesDir = SUITES_DIR) -> None:
    """List the suites with their metrics and thresholds."""
    table = Table(title="评测套件 / eval suites")
    for col in ("套件 suite", "说明 title", "指标 metrics"):
        table.add_column(col)
    for name in list_suites(suites_dir):
        try:
            config = load_config(suite_dir(name, suites_dir))
        except SuiteConfigError as exc:
            table.add_row(name, f"invalid: {exc}", "")
            continue
        metrics = ", ".join(f"{m.key} {m.threshold_text()}" for m in config.metrics)
        table.add_row(name, " / ".join(x for x in (config.title_zh, config.title_en) if x), metrics)
    Console().print(table)


@eval_app.command("run")
def run_command(
    suite: Annotated[str, typer.Argument(help="Suite name, e.g. triage")],
    report: Annotated[Path | None, typer.Option("--report", help="Report folder (default: reports/SUITE/)")] = None,
    suites_dir: SuitesDir = SUITES_DIR,
) -> None:
    """Run SUITE, write report.json, report.html and junit.xml, and fail (exit 1) below any threshold."""
    try:
        result = run_suite(suite, suites_dir=suites_dir, report_dir=report)
    except (SuiteNotFoundError, SuiteConfigError) as exc:
        fail(str(exc).strip("'\""))
    table = Table(title=f"评测 {result.suite} / eval {result.suite} ({result.seconds:.1f}s)")
    for col in ("指标 metric", "得分 score", "阈值 threshold", "结果 result"):
        table.add_column(col)
    for m in result.metrics:
        table.add_row(m.key, f"{m.score:.4f}", m.threshold, "[green]pass[/]" if m.passed else "[red]FAIL[/]")
    console = Console()
    console.print(table)
    console.print(f"reports: {report or Path('reports') / suite}", markup=False, highlight=False)
    if not result.passed:
        raise typer.Exit(code=1)


def register(app: typer.Typer) -> None:
    """Add the ``eval`` group to the CLI."""
    app.add_typer(eval_app, name="eval")
