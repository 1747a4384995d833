"""Review a transcript: the rule layer (sync, deterministic) and, when a model is configured, the semantic layer."""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.domain import CaseFile
from core.privacy import PIIGuard, get_guard
from tools.compliance.models import Finding, ReviewResult, SemanticLayer, Transcript
from tools.compliance.pii import pii_review
from tools.compliance.rules import identification_findings, pattern_findings, quiet_hours_findings
from tools.compliance.semantic import semantic_findings

if TYPE_CHECKING:
    from core.deps import Deps

JURISDICTIONS = ("CN", "US")
_SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}


class UnknownJurisdictionError(ValueError):
    """A jurisdiction with no regulation pack."""


def _check_jurisdiction(jurisdiction: str) -> None:
    if jurisdiction not in JURISDICTIONS:
        raise UnknownJurisdictionError(f"unknown jurisdiction {jurisdiction!r}; known: {', '.join(JURISDICTIONS)}")


def merge_findings(*groups: list[Finding]) -> list[Finding]:
    """One finding per (category, turn): rule findings before model findings, then the most severe; sorted by turn."""
    best: dict[tuple[str, int], Finding] = {}
    for group in groups:
        for finding in group:
            key = (finding.category.value, finding.turn)
            current = best.get(key)
            if current is None or (
                current.source == finding.source
                and _SEVERITY_ORDER[finding.severity.value] < _SEVERITY_ORDER[current.severity.value]
            ):
                best[key] = finding
    return sorted(best.values(), key=lambda f: (f.turn, f.category.value))


def _rule_layer(
    transcript: Transcript, *, case: CaseFile | None, jurisdiction: str, guard: PIIGuard | None
) -> tuple[list[Finding], ReviewResult]:
    _check_jurisdiction(jurisdiction)
    if case is not None and transcript.case_id is not None and transcript.case_id != case.id:
        raise ValueError(f"transcript is about case {transcript.case_id} but case {case.id} was given")
    patterns = pattern_findings(transcript, jurisdiction)
    quiet, quiet_notes = quiet_hours_findings(transcript, case=case, jurisdiction=jurisdiction)
    ident, ident_notes = identification_findings(transcript)
    leaks, pii = pii_review(transcript, guard=guard or get_guard(), case=case)
    findings = merge_findings(patterns, quiet, ident, leaks)
    notes = [*quiet_notes, *ident_notes]
    if not any(t.speaker.is_collector for t in transcript.turns):
        notes.append(
            "没有坐席或机器人的发言，无可审查内容。 / No agent or bot turns: nothing the collector said to review."
        )
    result = ReviewResult(
        verdict="fail" if findings else "pass",
        findings=findings,
        pii=pii,
        semantic_layer=SemanticLayer(status="not_requested", reason="rule layer only"),
        notes=notes,
        jurisdiction=jurisdiction,
    )
    return findings, result


def review(
    transcript: Transcript,
    *,
    case: CaseFile | None = None,
    jurisdiction: str = "CN",
    guard: PIIGuard | None = None,
) -> ReviewResult:
    """The rule layer: lexicons and patterns, quiet hours, self-identification and disclosed PII.

    Args:
        transcript: The conversation or message(s) to review.
        case: The case, when known: the debtor's UTC offset for quiet hours and the case's own identities for
            telling the debtor's numbers from other people's.
        jurisdiction: ``CN`` (default) or ``US`` (Reg F quiet hours).
        guard: The PII guard; the process-wide one when omitted.

    Raises:
        UnknownJurisdictionError: no pack for ``jurisdiction``.
        ValueError: ``case`` is not the transcript's case.
    """
    return _rule_layer(transcript, case=case, jurisdiction=jurisdiction, guard=guard)[1]


async def review_with_model(
    transcript: Transcript, *, deps: Deps, case: CaseFile | None = None, jurisdiction: str = "CN"
) -> ReviewResult:
    """The rule layer, then the model for what rules cannot see; merged and de-duplicated.

    Without a model server (or when the call fails) the result is the rule layer's, and ``semantic_layer``
    says ``skipped`` or ``failed`` with the reason.

    Raises:
        UnknownJurisdictionError: no pack for ``jurisdiction``.
        ValueError: ``case`` is not the transcript's case.
    """
    rule_findings, result = _rule_layer(transcript, case=case, jurisdiction=jurisdiction, guard=deps.guard)
    model, layer = await semantic_findings(transcript, rule_findings, deps=deps, case=case, jurisdiction=jurisdiction)
    findings = merge_findings(rule_findings, model)
    layer.findings = sum(1 for f in findings if f.source == "model")
    return result.model_copy(
        update={"findings": findings, "verdict": "fail" if findings else "pass", "semantic_layer": layer}
    )
