"""``qingshou value``: value one case (``CASE_ID``) or price a transfer package (``--package FILE``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from core.repository import CaseNotFoundError
from qingshou.cli.common import deps, fail, print_json
from tools.valuation.models import CaseValuation, PackageValuation
from tools.valuation.package_file import PackageFileError, read_package
from tools.valuation.policy import PolicyError, load_policy
from tools.valuation.recovery_model import RecoveryModelError, load_model
from tools.valuation.tool import PackageError, Valuator, value_case, value_package


def _valuator(model_path: Path | None) -> Valuator:
    try:
        return Valuator(model=load_model(model_path), policy=load_policy())
    except (RecoveryModelError, PolicyError) as exc:
        fail(str(exc))


def _print_case(v: CaseValuation) -> None:
    console = Console()
    table = Table(title=f"{v.case_id} 估值 / valuation", show_header=False)
    rows = [
        ("欠款 outstanding", f"¥{v.outstanding_total}"),
        ("90天还款概率 P(repay 90d)", f"{v.p_repay_90d:.1%}"),
        ("12个月回收概率 P(any 12m)", f"{v.p_any_12m:.1%}"),
        ("预期回收 expected recovery", f"¥{v.expected_recovery} ({v.recovery_rate:.1%})"),
        ("P10 / P50 / P90", f"¥{v.recovery.p10} / ¥{v.recovery.p50} / ¥{v.recovery.p90}"),
        (
            "预期回收月 months to recovery",
            "-" if v.expected_months_to_recovery is None else f"{v.expected_months_to_recovery}",
        ),
        ("催收成本 cost", f"¥{v.expected_cost}"),
        ("净现值 NPV", f"¥{v.expected_npv} @ {v.discount_rate:.1%}"),
    ]
    for c in v.collateral:
        rows.append(("抵押物 collateral", f"{c.city}{c.district} ¥{c.value} [{c.value_low}, {c.value_high}]"))
        rows.append(
            (
                "变现 liquidation",
                f"¥{c.liquidation_value} (-{c.liquidation_haircut:.0%}), {c.time_to_sale_days} 天/days",
            )
        )
    for key, value in rows:
        table.add_row(key, value)
    console.print(table)
    console.print("月度累计还款概率 / repayment curve: " + " ".join(f"{p:.0%}" for p in v.repayment_curve))


def _print_package(v: PackageValuation) -> None:
    table = Table(title=f"资产包估值 / package valuation ({v.cases} cases)", show_header=False)
    for key, value in (
        ("债权合计 claims", f"¥{v.claim_total}"),
        ("预期回收 expected recovery", f"¥{v.expected_recovery}"),
        ("回收 P10/P50/P90", f"¥{v.recovery.p10} / ¥{v.recovery.p50} / ¥{v.recovery.p90}"),
        ("催收成本 cost", f"¥{v.expected_cost}"),
        ("净现值 NPV", f"¥{v.expected_npv} @ {v.discount_rate:.1%}"),
        ("报价区间 bid range", f"¥{v.bid_low} - ¥{v.bid_high} ({v.bid_low_pct:.1%} - {v.bid_high_pct:.1%})"),
    ):
        table.add_row(key, value)
    Console().print(table)


def value(
    case_id: Annotated[str | None, typer.Argument(help="Case id, e.g. C000123")] = None,
    package: Annotated[Path | None, typer.Option("--package", help="CSV/JSON of case_id,claim (yuan)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables")] = False,
    discount_rate: Annotated[float | None, typer.Option("--discount-rate", help="Annual rate for the NPV")] = None,
    paths: Annotated[int | None, typer.Option("--paths", min=100, max=1_000_000, help="Monte Carlo paths")] = None,
    seed: Annotated[int | None, typer.Option("--seed", help="Simulation seed")] = None,
    model_path: Annotated[Path | None, typer.Option("--model", help="Recovery model artifact (JSON)")] = None,
) -> None:
    """Value one case, or price a transfer package with --package (估值与资产包定价)."""
    if (package is None) == (case_id is None):
        fail("give either a CASE_ID or --package FILE")
    if discount_rate is not None and not 0.0 <= discount_rate < 1.0:
        fail(f"--discount-rate must be in [0, 1), got {discount_rate}")
    valuator = _valuator(model_path)
    lines = None
    if package is not None:
        try:
            lines = read_package(package)
        except PackageFileError as exc:
            fail(str(exc))
    options = {"paths": paths, "seed": seed, "discount_rate": discount_rate}
    d = deps()
    try:
        if lines is not None:
            result: CaseValuation | PackageValuation = value_package(d.engine, lines, valuator, **options)  # type: ignore[arg-type]
        else:
            assert case_id is not None
            result = value_case(d.cases, d.engine, case_id, valuator, **options)
    except CaseNotFoundError as exc:
        fail(f"no case with id {exc.args[0]!r}")
    except PackageError as exc:
        fail(str(exc))
    finally:
        d.close()
    if as_json:
        print_json(result.model_dump(mode="json"))
    elif isinstance(result, PackageValuation):
        _print_package(result)
    else:
        _print_case(result)


def register(app: typer.Typer) -> None:
    """Add ``value`` to the CLI."""
    app.command(name="value")(value)
