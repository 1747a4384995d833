"""``qingshou triage``: one case (``CASE_ID``), the whole portfolio (``--all``), ``train``, ``experiment-report``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy import func, select
from typer.core import TyperGroup

from agents.triage.node import review_gateway
from core.db import schema as s
from core.repository import CaseNotFoundError
from qingshou.cli.common import deps, fail, print_json
from qingshou.cli.triage_extra import experiment_report, train
from tools.triage.model.card import ModelArtifactError
from tools.triage.models import Tier, TriageResult
from tools.triage.rules import Rules, RulesError, load_rules
from tools.triage.tool import triage_case, triage_portfolio

TIER_ZH = {
    Tier.REMINDER: "自愈提醒",
    Tier.DIGITAL: "数字渠道",
    Tier.AGENT_CALL: "人工电话",
    Tier.SENIOR_NEGOTIATION: "资深协商",
    Tier.LEGAL: "法律途径",
    Tier.HUMAN_REVIEW: "人工复核",
}


class _CaseByDefault(TyperGroup):
    """Send anything that is not a subcommand to ``case``, so ``qingshou triage C000123`` keeps working."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if not args or (args[0] not in self.commands and args[0] not in ("--help", "-h")):
            args = ["case", *args]
        return super().parse_args(ctx, args)


triage_app = typer.Typer(
    cls=_CaseByDefault,
    help="Triage one case or the portfolio (智能分案); train the propensity model; report experiments.",
)


def _print_result(console: Console, result: TriageResult) -> None:
    table = Table(title=f"{result.case_id} 分案结果 / triage", show_header=False)
    window = result.contact_window
    review = result.review
    rows = [
        ("层级 tier", f"{TIER_ZH[result.tier]} {result.tier.value}"),
        ("队列 queue", result.queue),
        ("策略 strategy", result.strategy),
        ("渠道 channel", result.channel),
        ("时段 window", f"{window.start_hour:02d}:00-{window.end_hour:02d}:00 ({window.source})" if window else "-"),
        ("还款概率 propensity", f"{result.propensity:.1%} ({result.propensity_source})"),
        ("复核 review", f"{review.status.value}: {review.detail}" if review else "-"),
        ("实验 experiment", f"{result.experiment.experiment}/{result.experiment.arm}" if result.experiment else "-"),
        ("逾期 DPD / bucket", f"{result.days_past_due} / {result.bucket}"),
        ("欠款 outstanding", f"¥{result.outstanding_total}"),
        ("规则版本 rules", result.rules_version),
    ]
    for key, value in rows:
        table.add_row(key, value)
    console.print(table)
    for reason in result.reasons:
        console.print(f"• [{reason.code}] {reason.zh} / {reason.en}", markup=False, highlight=False)


def _rules(path: Path | None, scorecard: bool) -> Rules:
    try:
        rules = load_rules(path)
    except RulesError as exc:
        fail(str(exc))
    if scorecard:
        rules = rules.model_copy(update={"propensity": rules.propensity.model_copy(update={"source": "scorecard"})})
    return rules


def _triage_all(rules: Rules, chunk_size: int, as_json: bool) -> None:
    d = deps()
    try:
        with d.sessions() as session:
            total = int(session.execute(select(func.count(s.Case.id))).scalar_one())
        console = Console(stderr=as_json)
        with Progress(
            TextColumn("分案 triage"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=console
        ) as bar:
            task = bar.add_task("triage", total=total)
            summary = triage_portfolio(
                d.engine, rules, chunk_size=chunk_size, progress=lambda done: bar.update(task, completed=done)
            )
    except ModelArtifactError as exc:
        fail(str(exc))
    finally:
        d.close()
    if as_json:
        print_json(summary.model_dump(mode="json"))
        return
    table = Table(title=f"分案汇总 / triage summary (rules {summary.rules_version}, {summary.propensity_source})")
    for col in ("层级 tier", "案件数 cases", "占比 share"):
        table.add_column(col, justify="right" if col != "层级 tier" else "left")
    for tier, n in summary.per_tier.items():
        share = n / summary.cases if summary.cases else 0.0
        table.add_row(f"{TIER_ZH[tier]} {tier.value}", f"{n:,}", f"{share:.1%}")
    table.add_row("合计 total", f"{summary.cases:,}", f"{summary.seconds:.1f}s")
    console.print(table)
    console.print(
        f"临界案件 borderline: {summary.borderline:,} ({summary.borderline_share:.1%}); {summary.review_note}"
    )


@triage_app.command(name="case")
def triage(
    case_id: Annotated[str | None, typer.Argument(help="Case id, e.g. C000123")] = None,
    all_cases: Annotated[bool, typer.Option("--all", help="Triage every case and write the assignments")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables")] = False,
    rules_path: Annotated[Path | None, typer.Option("--rules", help="Rules YAML (default: packaged)")] = None,
    chunk_size: Annotated[int, typer.Option("--chunk-size", min=1, help="Cases per chunk with --all")] = 50_000,
    scorecard: Annotated[bool, typer.Option("--scorecard", help="Use the expert scorecard, not the model")] = False,
) -> None:
    """Triage one case, or the whole portfolio with --all (the default command)."""
    if all_cases == (case_id is not None):
        fail("give either a CASE_ID or --all")
    rules = _rules(rules_path, scorecard)
    if all_cases:
        _triage_all(rules, chunk_size, as_json)
        return
    assert case_id is not None
    d = deps()
    try:
        result = triage_case(d.cases, case_id, rules, gateway=review_gateway(d))
    except CaseNotFoundError:
        fail(f"no case with id {case_id!r}")
    except ModelArtifactError as exc:
        fail(str(exc))
    finally:
        d.close()
    if as_json:
        print_json(result.model_dump(mode="json"))
    else:
        _print_result(Console(), result)


triage_app.command(name="train")(train)
triage_app.command(name="experiment-report")(experiment_report)


def register(app: typer.Typer) -> None:
    """Add ``triage`` and its subcommands to the CLI."""
    app.add_typer(triage_app, name="triage")
