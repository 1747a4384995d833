"""HTML rendering of a compliance report (self-contained page, every value escaped)."""

from __future__ import annotations

from html import escape

from tools.compliance.report import ComplianceReport

_PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title>
<style>body{{font-family:system-ui,sans-serif;margin:2rem;color:#222}}table{{border-collapse:collapse;margin:1rem 0}}
td,th{{border:1px solid #ccc;padding:.3rem .6rem;text-align:left}}th{{background:#f3f3f3}}.n{{text-align:right}}</style>
</head><body>
<h1>{title}</h1>
<p>{summary}</p>
<h2>按类别 / By category</h2>
<table><tr><th>类别 category</th><th class="n">次数 count</th></tr>{categories}</table>
<h2>按规则 / By rule</h2>
<table><tr><th>规则 rule</th><th>类别 category</th><th class="n">次数 count</th><th>依据 citation</th></tr>
{rules}</table>
<h2>按团队 / By team</h2>
<table><tr><th>团队 team</th><th class="n">质检 reviews</th><th class="n">不通过 failed</th>
<th class="n">违规 findings</th></tr>{teams}</table>
<h2>示例（已脱敏）/ Examples (PII masked)</h2>
<table><tr><th>类别 category</th><th>规则 rule</th><th>团队 team</th><th>时间 at</th><th>原话 quote</th></tr>
{examples}</table>
</body></html>
"""


def _row(*cells: object, numeric: tuple[int, ...] = ()) -> str:
    tds = "".join(
        f'<td class="n">{escape(str(c))}</td>' if i in numeric else f"<td>{escape(str(c))}</td>"
        for i, c in enumerate(cells)
    )
    return f"<tr>{tds}</tr>"


def render_html(report: ComplianceReport) -> str:
    """The report as one HTML page."""
    who = report.team or "全部团队 all teams"
    title = f"合规质检报告 Compliance report — {who}, {report.start} – {report.end}"
    summary = (
        f"质检 {report.reviews} 通，不通过 {report.failed} 通（{report.fail_rate:.1%}），违规 {report.findings} 处。 "
        f"{report.reviews} reviews, {report.failed} failed ({report.fail_rate:.1%}), {report.findings} findings."
    )
    categories = "".join(_row(c.value, n, numeric=(1,)) for c, n in report.by_category.items())
    rules = "".join(_row(r.rule_id, r.category.value, r.count, r.citation, numeric=(2,)) for r in report.by_rule)
    teams = "".join(_row(t.team, t.reviews, t.failed, t.findings, numeric=(1, 2, 3)) for t in report.by_team)
    examples = "".join(
        _row(category.value, e.rule_id, e.team, e.at.isoformat(timespec="minutes"), e.quote)
        for category, items in report.examples.items()
        for e in items
    )
    return _PAGE.format(
        title=escape(title), summary=escape(summary), categories=categories, rules=rules, teams=teams,
        examples=examples,
    )  # fmt: skip
