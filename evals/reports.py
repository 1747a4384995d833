"""Write a suite report three ways: ``report.json``, a self-contained ``report.html`` and ``junit.xml``."""

from __future__ import annotations

import html
import xml.etree.ElementTree as ET
from pathlib import Path

from evals.models import SuiteReport

_STYLE = """
body{font-family:-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;margin:2rem;color:#222;max-width:1100px}
h1{font-size:1.5rem}table{border-collapse:collapse;width:100%;margin:1rem 0}
th,td{border:1px solid #ccc;padding:.45rem .6rem;text-align:left;vertical-align:top}
th{background:#f3f3f3}.pass{color:#0a7d32;font-weight:600}.fail{color:#b00020;font-weight:600}
.num{font-variant-numeric:tabular-nums;text-align:right}.muted{color:#666;font-size:.9rem}
pre{white-space:pre-wrap;margin:0;font-family:inherit}
"""


def render_html(report: SuiteReport) -> str:
    """A self-contained HTML page (inline CSS, no scripts) with Chinese and English labels."""
    e = html.escape
    verdict = '<span class="pass">通过 PASSED</span>' if report.passed else '<span class="fail">未通过 FAILED</span>'
    rows = []
    for m in report.metrics:
        status = '<span class="pass">通过 pass</span>' if m.passed else '<span class="fail">未通过 fail</span>'
        label = " / ".join(x for x in (m.label_zh, m.label_en) if x) or m.key
        rows.append(
            f"<tr><td>{e(label)}<div class='muted'>{e(m.key)}</div></td><td class='num'>{m.score:.4f}</td>"
            f"<td>{e(m.threshold)}</td><td>{status}</td><td><pre>{e(m.comment)}</pre></td></tr>"
        )
    facts = "".join(f"<tr><th>{e(str(k))}</th><td>{e(str(v))}</td></tr>" for k, v in report.target_summary.items())
    title = " / ".join(x for x in (report.title_zh, report.title_en) if x) or report.suite
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>评测报告 Eval report: {e(report.suite)}</title>
<style>{_STYLE}</style></head><body>
<h1>评测报告 Eval report: {e(title)}</h1>
<p>结果 Result: {verdict} &nbsp; <span class="muted">套件 suite <b>{e(report.suite)}</b> ·
开始 started {e(report.started_at.isoformat(timespec="seconds"))} · 用时 took {report.seconds:.1f}s</span></p>
<h2>指标 Metrics</h2>
<table><tr><th>指标 Metric</th><th>得分 Score</th><th>阈值 Threshold</th><th>状态 Status</th>
<th>说明 Comment</th></tr>
{"".join(rows)}
</table>
<h2>运行信息 Run facts</h2>
<table>{facts or "<tr><td class='muted'>无 none</td></tr>"}</table>
</body></html>
"""


def render_junit(report: SuiteReport) -> bytes:
    """JUnit XML: one test suite, one test case per metric, a failure for each missed threshold."""
    failures = sum(not m.passed for m in report.metrics)
    root = ET.Element("testsuites", name="qingshou-evals", tests=str(len(report.metrics)), failures=str(failures))
    suite = ET.SubElement(
        root,
        "testsuite",
        name=report.suite,
        tests=str(len(report.metrics)),
        failures=str(failures),
        errors="0",
        time=f"{report.seconds:.3f}",
        timestamp=report.started_at.isoformat(timespec="seconds"),
    )
    for m in report.metrics:
        case = ET.SubElement(suite, "testcase", classname=f"evals.{report.suite}", name=m.key, time="0")
        out = ET.SubElement(case, "system-out")
        out.text = f"score={m.score:.6f} threshold {m.threshold}\n{m.comment}"
        if not m.passed:
            failure = ET.SubElement(case, "failure", message=f"{m.key}={m.score:.4f} misses {m.threshold}")
            failure.text = m.comment
    ET.indent(root)
    xml: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return xml


def write_reports(report: SuiteReport, folder: Path) -> list[Path]:
    """Write ``report.json``, ``report.html`` and ``junit.xml`` into ``folder`` (created if needed)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / "report.json", folder / "report.html", folder / "junit.xml"]
    paths[0].write_text(report.model_dump_json(indent=2), encoding="utf-8")
    paths[1].write_text(render_html(report), encoding="utf-8")
    paths[2].write_bytes(render_junit(report))
    return paths
