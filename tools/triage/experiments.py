"""Champion/challenger experiments: definitions from YAML, hash-based assignment, and the per-arm report."""

from __future__ import annotations

import hashlib
import math
from pathlib import Path
from typing import Self

import numpy as np
import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from sqlalchemy import Engine, select, text

from core.db import schema
from tools.triage.models import Tier
from tools.triage.rules import CHANNELS

DEFAULT_EXPERIMENTS = Path(__file__).resolve().parent / "experiments.yaml"
ASSIGN_ACTION = "experiment_assign"
"""Audit action of an assignment line."""


class ExperimentError(ValueError):
    """The experiments file is invalid, or the experiment is unknown or has no logged assignments."""


class Arm(BaseModel):
    """One arm: its share of eligible cases and what it changes."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=r"^[a-z0-9_]{1,32}$")
    share: float = Field(gt=0, le=1)
    strategy: str | None = Field(default=None, description="Strategy override; the tier's strategy when unset")
    channel: str | None = Field(default=None, description="Channel override (channel limits still win)")


class Experiment(BaseModel):
    """An experiment over the cases of some tiers."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,47}$")
    description: str = ""
    active: bool = True
    seed: int
    eligible_tiers: list[Tier] = Field(min_length=1)
    arms: list[Arm] = Field(min_length=2)

    @model_validator(mode="after")
    def _check(self) -> Self:
        if abs(sum(a.share for a in self.arms) - 1.0) > 1e-9:
            raise ValueError(f"{self.name}: arm shares must add up to 1")
        if len({a.name for a in self.arms}) != len(self.arms):
            raise ValueError(f"{self.name}: arm names must be unique")
        if Tier.HUMAN_REVIEW in self.eligible_tiers:
            raise ValueError(f"{self.name}: human_review cases are never experimented on")
        bad = [a.channel for a in self.arms if a.channel is not None and a.channel not in CHANNELS]
        if bad:
            raise ValueError(f"{self.name}: unknown channels {bad}")
        return self

    def assign(self, case_ids: np.ndarray) -> np.ndarray:
        """Arm index of each case: the first 60 bits of SHA-256(name:seed:case_id) as a uniform draw."""
        prefix = f"{self.name}:{self.seed}:".encode()
        draws = np.fromiter(
            (int.from_bytes(hashlib.sha256(prefix + str(c).encode()).digest()[:8], "big") >> 4 for c in case_ids),
            dtype="float64",
            count=len(case_ids),
        ) / float(1 << 60)
        edges = np.cumsum([a.share for a in self.arms])[:-1]
        return np.searchsorted(edges, draws, side="right")


class ExperimentsFile(BaseModel):
    """The whole experiments file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    experiments: list[Experiment] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique(self) -> Self:
        names = [e.name for e in self.experiments]
        if len(names) != len(set(names)):
            raise ValueError("experiment names must be unique")
        return self

    def get(self, name: str) -> Experiment:
        """The experiment called ``name``; :class:`ExperimentError` when there is none."""
        for experiment in self.experiments:
            if experiment.name == name:
                return experiment
        known = ", ".join(e.name for e in self.experiments) or "none"
        raise ExperimentError(f"unknown experiment {name!r} (known: {known})")

    @property
    def active(self) -> list[Experiment]:
        """The experiments that assign cases."""
        return [e for e in self.experiments if e.active]


def load_experiments(path: Path | str | None = None) -> ExperimentsFile:
    """Load and validate an experiments file (the packaged one by default).

    Raises:
        ExperimentError: Unreadable, not YAML, or invalid; the message names the file.
    """
    file = Path(path) if path is not None else DEFAULT_EXPERIMENTS
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ExperimentError(f"{file}: cannot read experiments: {exc}") from None
    try:
        return ExperimentsFile.model_validate(data or {})
    except ValidationError as exc:
        details = "; ".join(f"{'.'.join(map(str, e['loc'])) or '(root)'}: {e['msg']}" for e in exc.errors())
        raise ExperimentError(f"{file}: invalid experiments: {details}") from None


def apply_experiments(decisions: pd.DataFrame, experiments: list[Experiment]) -> pd.DataFrame:
    """Assign eligible cases to arms and apply the arms' overrides (in place) to ``decisions``.

    Args:
        decisions: Decisions indexed by case id (``tier``, ``strategy``, ``channel``, ``limit_codes``).
        experiments: The active experiments; a case joins the first one whose tiers it is in.

    Returns:
        One row per assigned case, indexed by case id: ``experiment``, ``arm``, ``strategy``.
    """
    taken = np.zeros(len(decisions), dtype=bool)
    parts = []
    tiers = decisions["tier"].to_numpy()
    limited = decisions["limit_codes"].to_numpy() != ""
    for experiment in experiments:
        eligible = np.isin(tiers, [t.value for t in experiment.eligible_tiers]) & ~taken
        ids = decisions.index.to_numpy()[eligible]
        arm_index = experiment.assign(ids)
        rows = np.flatnonzero(eligible)
        for i, arm in enumerate(experiment.arms):
            chosen = rows[arm_index == i]
            if arm.strategy:
                decisions.iloc[chosen, decisions.columns.get_loc("strategy")] = arm.strategy
            if arm.channel:
                free = chosen[~limited[chosen]]  # channel limits (opt-out) always win over an arm
                decisions.iloc[free, decisions.columns.get_loc("channel")] = arm.channel
        taken |= eligible
        names = np.array([a.name for a in experiment.arms], dtype=object)[arm_index]
        parts.append(
            pd.DataFrame(
                {"experiment": experiment.name, "arm": names, "strategy": decisions["strategy"].to_numpy()[eligible]},
                index=pd.Index(ids, name="case_id"),
            )
        )
    return pd.concat(parts) if parts else pd.DataFrame(columns=["experiment", "arm", "strategy"])


class ArmReport(BaseModel):
    """Outcomes of one arm."""

    arm: str
    cases: int
    successes: int
    rate: float
    diff_vs_champion: float | None = Field(default=None, description="Rate minus the champion's rate")
    z: float | None = Field(default=None, description="Two-proportion z statistic against the champion")
    p_value: float | None = Field(default=None, description="Two-sided p-value of that test")


class ExperimentReport(BaseModel):
    """Outcomes per arm of one experiment."""

    experiment: str
    outcome: str = Field(description="What counts as a success")
    cases: int
    arms: list[ArmReport]


def two_proportion(s1: int, n1: int, s2: int, n2: int) -> tuple[float, float]:
    """Z statistic and two-sided p-value of ``s2/n2 - s1/n1`` under the pooled null."""
    pooled = (s1 + s2) / (n1 + n2)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    if se == 0:
        return 0.0, 1.0
    z = (s2 / n2 - s1 / n1) / se
    return z, math.erfc(abs(z) / math.sqrt(2))


def experiment_report(engine: Engine, experiment: Experiment) -> ExperimentReport:
    """Compare the arms' outcomes over the logged assignments (the latest per case).

    A success is ``repaid_90d`` from ``case_truth`` when the portfolio has truth, else a payment after the
    assignment.

    Raises:
        ExperimentError: No case has a logged assignment to this experiment.
    """
    with engine.connect() as conn:
        audit = schema.CaseAudit
        rows = conn.execute(
            select(audit.case_id, audit.at, audit.detail).where(audit.action == ASSIGN_ACTION).order_by(audit.id)
        ).fetchall()
        latest = {
            r[0]: (r[1], r[2]) for r in rows if isinstance(r[2], dict) and r[2].get("experiment") == experiment.name
        }
        if not latest:
            raise ExperimentError(f"no logged assignments for {experiment.name!r}; run 'qingshou triage --all' first")
        truth: dict[str, bool] = dict(conn.execute(text("SELECT case_id, repaid_90d FROM case_truth")).fetchall())
        if truth:
            outcome = "repaid_90d (case_truth, synthetic world)"
            success = {c: bool(truth.get(c, False)) for c in latest}
        else:
            outcome = "a payment recorded after the assignment"
            paid = conn.execute(
                text(
                    "SELECT c.id, MAX(r.paid_on) FROM cases c JOIN repayment_events r ON r.loan_id = c.loan_id"
                    " GROUP BY c.id"
                )
            ).fetchall()
            last = {c: str(d) for c, d in paid}
            success = {c: last.get(c, "") > str(at)[:10] for c, (at, _) in latest.items()}
    frame = pd.DataFrame(
        {"arm": [d["arm"] for _, d in latest.values()], "success": [success[c] for c in latest]}, index=list(latest)
    )
    arms = []
    champion = experiment.arms[0].name
    base = frame[frame["arm"] == champion]
    for arm in experiment.arms:
        part = frame[frame["arm"] == arm.name]
        n, s = len(part), int(part["success"].sum())
        report = ArmReport(arm=arm.name, cases=n, successes=s, rate=s / n if n else 0.0)
        if arm.name != champion and n and len(base):
            z, p = two_proportion(int(base["success"].sum()), len(base), s, n)
            report.diff_vs_champion = report.rate - float(base["success"].mean())
            report.z, report.p_value = round(z, 4), round(p, 6)
        arms.append(report)
    return ExperimentReport(experiment=experiment.name, outcome=outcome, cases=len(frame), arms=arms)
