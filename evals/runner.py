"""Run a suite: target, evaluators, threshold gate, reports."""

from __future__ import annotations

import datetime as dt
import tempfile
import time
from pathlib import Path

from evals.loader import SUITES_DIR, load_config, load_dataset, resolve, suite_dir
from evals.models import EvalScore, MetricResult, SuiteContext, SuiteReport
from evals.reports import write_reports
from evals.targets.base import TargetOutput


class EvaluatorError(TypeError):
    """An evaluator returned something other than an :class:`EvalScore`."""


def run_suite(name: str, *, suites_dir: Path = SUITES_DIR, report_dir: Path | None = None) -> SuiteReport:
    """Run suite ``name`` and write ``report.json``, ``report.html`` and ``junit.xml``.

    Args:
        name: The suite's folder name.
        suites_dir: Where suites live (the packaged ones by default).
        report_dir: Where reports go; ``reports/<name>/`` by default.

    Returns:
        The report; ``passed`` is false when any metric misses its threshold.

    Raises:
        SuiteNotFoundError: No such suite.
        SuiteConfigError: The suite's files are invalid.
    """
    folder = suite_dir(name, suites_dir)
    config = load_config(folder)
    datasets = {file: load_dataset(folder / file) for file in config.datasets}
    target = resolve(config.target)
    evaluators = [(spec, resolve(spec.evaluator)) for spec in config.metrics]
    started_at, started = dt.datetime.now(dt.UTC), time.perf_counter()
    with tempfile.TemporaryDirectory(prefix=f"qingshou-eval-{name}-") as tmp:
        context = SuiteContext(config=config, suite_dir=folder, workdir=Path(tmp), datasets=datasets)
        output = target(context)
        results = []
        for spec, evaluator in evaluators:
            score = evaluator(output)
            if not isinstance(score, EvalScore):
                raise EvaluatorError(f"{spec.evaluator} returned {type(score).__name__}, not EvalScore")
            results.append(
                MetricResult(
                    key=spec.key,
                    score=score.score,
                    comment=score.comment,
                    threshold=spec.threshold_text(),
                    passed=spec.passed(score.score),
                    label_zh=spec.label_zh,
                    label_en=spec.label_en,
                )
            )
    report = SuiteReport(
        suite=config.name,
        title_zh=config.title_zh,
        title_en=config.title_en,
        started_at=started_at,
        seconds=round(time.perf_counter() - started, 3),
        passed=all(r.passed for r in results),
        metrics=results,
        target_summary=output.facts if isinstance(output, TargetOutput) else {},
    )
    write_reports(report, report_dir or Path("reports") / name)
    return report
