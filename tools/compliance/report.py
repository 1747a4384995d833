"""Compliance reports: violations per team and period, by category and rule, with masked examples."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

from pydantic import BaseModel, Field

from core.db.compliance import ComplianceReview
from tools.compliance.models import Category

EXAMPLES_PER_CATEGORY = 3


class RuleCount(BaseModel):
    """How often one rule fired, and the pack entry it cites."""

    rule_id: str
    category: Category
    count: int
    citation: str = Field(description="'<pack id>/<entry id> <title>'")


class Example(BaseModel):
    """One finding shown as an example (quote masked)."""

    review_id: str
    team: str
    at: dt.datetime
    rule_id: str
    quote: str


class TeamLine(BaseModel):
    """A team's totals."""

    team: str
    reviews: int
    failed: int
    findings: int


class ComplianceReport(BaseModel):
    """The report of one team (or all) over one period."""

    team: str | None = Field(description="None means every team")
    start: dt.date
    end: dt.date = Field(description="Last day included")
    reviews: int
    failed: int
    fail_rate: float
    findings: int
    by_category: dict[Category, int]
    by_rule: list[RuleCount]
    by_team: list[TeamLine]
    examples: dict[Category, list[Example]]


def build_report(rows: list[ComplianceReview], *, team: str | None, start: dt.date, end: dt.date) -> ComplianceReport:
    """Aggregate stored reviews (already filtered to the team and period)."""
    by_category: Counter[Category] = Counter({c: 0 for c in Category})
    rules: Counter[tuple[str, Category]] = Counter()
    citations: dict[str, str] = {}
    examples: dict[Category, list[Example]] = defaultdict(list)
    teams: dict[str, TeamLine] = {}
    for row in rows:
        line = teams.setdefault(row.team, TeamLine(team=row.team, reviews=0, failed=0, findings=0))
        line.reviews += 1
        line.failed += row.verdict == "fail"
        line.findings += row.finding_count
        for finding in row.findings:
            category = Category(str(finding["category"]))
            rule_id = str(finding["rule_id"])
            by_category[category] += 1
            rules[(rule_id, category)] += 1
            citation = finding.get("citation")
            if isinstance(citation, dict):
                citations[rule_id] = f"{citation.get('rule')} {citation.get('title')}"
            if len(examples[category]) < EXAMPLES_PER_CATEGORY:
                examples[category].append(
                    Example(review_id=row.id, team=row.team, at=row.at, rule_id=rule_id, quote=str(finding["quote"]))
                )
    failed = sum(1 for r in rows if r.verdict == "fail")
    return ComplianceReport(
        team=team,
        start=start,
        end=end,
        reviews=len(rows),
        failed=failed,
        fail_rate=round(failed / len(rows), 4) if rows else 0.0,
        findings=sum(by_category.values()),
        by_category=dict(by_category),
        by_rule=[
            RuleCount(rule_id=rule_id, category=category, count=n, citation=citations.get(rule_id, ""))
            for (rule_id, category), n in rules.most_common()
        ],
        by_team=sorted(teams.values(), key=lambda t: t.team),
        examples=dict(examples),
    )
