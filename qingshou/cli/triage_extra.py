"""``qingshou triage train`` and ``qingshou triage experiment-report``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from qingshou.cli.common import deps, fail, print_json
from tools.triage.experiments import ExperimentError, load_experiments
from tools.triage.experiments import experiment_report as build_report
from tools.triage.model.artifact import save_model
from tools.triage.model.card import ModelArtifactError
from tools.triage.model.train import TrainConfig
from tools.triage.model.train import train as train_model


def train(
    cases: Annotated[
        int, typer.Option("--cases", min=500, help="Training cases (calibration, held-out: a third)")
    ] = 60_000,
    seed: Annotated[int, typer.Option("--seed", help="Training seed; calibration seed+1, held-out seed+2")] = 1001,
    out: Annotated[
        Path | None, typer.Option("--out", help="Folder for propensity-<version>/ (default: packaged)")
    ] = None,
    version: Annotated[str | None, typer.Option("--version", help="Artifact version (default: date and seed)")] = None,
    max_iter: Annotated[int, typer.Option("--max-iter", min=10, max=2000, help="Boosting iterations")] = 100,
    as_json: Annotated[bool, typer.Option("--json", help="Print the model card as JSON")] = False,
) -> None:
    """Retrain the propensity model on synthetic portfolios and write a new versioned artifact with its card."""
    name = version or f"{dt.datetime.now(dt.UTC):%Y.%m.%d}-s{seed}-n{cases}"
    try:
        config = TrainConfig(cases=cases, seed=seed, version=name, max_iter=max_iter)
    except ValueError as exc:
        fail(f"bad training options: {exc}")
    console = Console(stderr=True)
    if out is not None and out.exists() and not out.is_dir():
        fail(f"{out} is not a folder")
    target = (out / f"propensity-{name}") if out else None
    if target is not None and target.exists():
        fail(f"{target} already exists; artifacts are immutable, pick a new --version")
    model = train_model(config, progress=lambda msg: console.print(f"训练 train: {msg}"))
    try:
        folder = save_model(model, out)
    except ModelArtifactError as exc:
        fail(str(exc))
    card = model.card
    if as_json:
        print_json(card.model_dump(mode="json"))
        return
    m = card.metrics
    console.print(f"wrote {folder}")
    Console().print(
        f"version {card.version}: held-out AUC {m.auc:.4f} (scorecard {m.scorecard_auc:.4f}, ceiling "
        f"{m.oracle_auc:.4f}), ECE {m.ece:.4f}, Brier {m.brier:.4f}\n"
        f'use it: set propensity.model_version: "{card.version}" in the rules file'
    )


def experiment_report(
    name: Annotated[str, typer.Argument(help="Experiment name from experiments.yaml")],
    experiments_path: Annotated[Path | None, typer.Option("--experiments", help="Experiments YAML")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table")] = False,
) -> None:
    """Compare outcomes per arm of an experiment (two-proportion z-test against the champion)."""
    try:
        experiment = load_experiments(experiments_path).get(name)
    except ExperimentError as exc:
        fail(str(exc))
    d = deps()
    try:
        report = build_report(d.engine, experiment)
    except ExperimentError as exc:
        fail(str(exc))
    finally:
        d.close()
    if as_json:
        print_json(report.model_dump(mode="json"))
        return
    table = Table(title=f"实验 experiment {report.experiment}: {report.outcome}")
    for col in ("arm", "cases", "successes", "rate", "diff", "z", "p"):
        table.add_column(col, justify="left" if col == "arm" else "right")
    for arm in report.arms:
        diff = f"{arm.diff_vs_champion:+.2%}" if arm.diff_vs_champion is not None else "-"
        z = f"{arm.z:.2f}" if arm.z is not None else "-"
        p = f"{arm.p_value:.4f}" if arm.p_value is not None else "-"
        table.add_row(arm.arm, f"{arm.cases:,}", f"{arm.successes:,}", f"{arm.rate:.2%}", diff, z, p)
    Console().print(table)
