"""The rule layer: lexicon patterns, quiet hours and self-identification over the collector's turns."""

from __future__ import annotations

import datetime as dt
import re

from core.domain import CaseFile
from retrieval.rule_params import rule_params
from tools.compliance.citations import cite, cite_category
from tools.compliance.lexicon import (
    CLAUSE_END,
    CONDITION_END,
    ENGLISH_NEGATION_WINDOW,
    NEGATION,
    NEGATION_WINDOW,
    NOT_A_NEGATION,
    Pattern,
    patterns,
)
from tools.compliance.models import Category, Finding, Severity, Speaker, Transcript

IDENTIFICATION = re.compile(
    r"(?:我是|我们是|这里是|这边是|我这边是|本人是|我这里是|我们这里是)(?!正规|合法|持牌|专业)[^。！？\n]{0,16}?"
    r"(?:银行|金融|信用卡|贷款|公司|中心|客服|工作人员|专员|坐席|助手|机器人|律师事务所|律所)|"
    r"(?:银行|消费金融|信用卡中心|小额贷款)[^。！？\n]{0,8}(?:工作人员|客服|专员|工号|来电|提醒|通知|的)|"
    r"(?:工号|编号|员工号)[:：]?\s*[0-9０-９A-Za-z]{2,}|【[^】]{2,20}】|"
    r"(?i:\b(?:this is \w+ (?:from|with|at)|my name is|calling (?:from|on behalf of))\b"
    r"(?! the (?:court|police|sheriff)))"
)
"""How a collector says who they are: name of the institution, a job number, or an SMS signature 【...】."""
IDENTIFICATION_WITHIN = 2
"""On calls, the collector must identify within its first two turns."""

QUIET_PARAM = {"CN": "cn.quiet_hours", "US": "us.inconvenient_hours"}


def addressees(transcript: Transcript) -> list[Speaker]:
    """Whom each turn is addressed to: the last non-collector speaker before it, else the next one, else debtor."""
    others = [t.speaker for t in transcript.turns]
    out: list[Speaker] = []
    last: Speaker | None = None
    for i, turn in enumerate(transcript.turns):
        if not turn.speaker.is_collector:
            last = turn.speaker
            out.append(Speaker.AGENT)
            continue
        if last is None:
            last_after = next((s for s in others[i + 1 :] if not s.is_collector), Speaker.DEBTOR)
            out.append(last_after)
        else:
            out.append(last)
    return out


def _clause(text: str, start: int, end: int) -> str:
    left = max((text.rfind(ch, 0, start) for ch in CLAUSE_END), default=-1)
    rights = [i for i in (text.find(ch, end) for ch in CLAUSE_END) if i != -1]
    return text[left + 1 : min(rights) if rights else len(text)]


def _negated(text: str, start: int) -> bool:
    """A negation in the same clause shortly before ``start`` that is not part of a question or of a condition."""
    english = start > 0 and text[start - 1].isascii()
    window = text[max(0, start - (ENGLISH_NEGATION_WINDOW if english else NEGATION_WINDOW)) : start]
    for ch in CLAUSE_END:
        window = window.rsplit(ch, 1)[-1]
    window = NOT_A_NEGATION.sub("", window)
    conditions = list(CONDITION_END.finditer(window))
    if conditions:
        window = window[conditions[-1].end() :]
    return NEGATION.search(window) is not None


def _fires(pattern: Pattern, text: str) -> re.Match[str] | None:
    for match in pattern.compiled.finditer(text):
        if not match.group(0):
            continue
        if pattern.negatable and _negated(text, match.start()):
            continue
        if pattern.compiled_unless is not None and pattern.compiled_unless.search(
            _clause(text, match.start(), match.end())
        ):
            continue
        return match
    return None


def pattern_findings(transcript: Transcript, jurisdiction: str = "CN") -> list[Finding]:
    """Every lexicon pattern that fires in a collector turn (one finding per pattern and turn)."""
    to = addressees(transcript)
    findings: list[Finding] = []
    for index, turn in enumerate(transcript.turns):
        if not turn.speaker.is_collector:
            continue
        third_party = to[index] is Speaker.THIRD_PARTY
        for pattern in patterns():
            if pattern.context == "third_party" and not third_party:
                continue
            match = _fires(pattern, turn.text)
            if match is None:
                continue
            citation = cite(pattern.rule) if pattern.rule else cite_category(pattern.category, jurisdiction)
            findings.append(
                Finding(
                    category=pattern.category,
                    rule_id=pattern.rule_id,
                    severity=pattern.severity,
                    turn=index,
                    quote=match.group(0),
                    citation=citation,
                    explanation=pattern.meaning,
                )
            )
    return findings


def _minutes(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


def in_window(local: dt.datetime, start: str, end: str) -> bool:
    """Whether local time-of-day falls in the [start, end) window, which may wrap midnight."""
    now = local.hour * 60 + local.minute
    lo, hi = _minutes(start), _minutes(end)
    return lo <= now < hi if lo < hi else now >= lo or now < hi


def quiet_hours_findings(
    transcript: Transcript, *, case: CaseFile | None, jurisdiction: str = "CN"
) -> tuple[list[Finding], list[str]]:
    """The first collector turn inside the jurisdiction's quiet hours, in the debtor's local time.

    The debtor's offset comes from the case when given; otherwise each timestamp's own offset is taken as the
    debtor's local time. Turns without a timestamp cannot be checked; a note says so.
    """
    param = rule_params().get(QUIET_PARAM.get(jurisdiction, "cn.quiet_hours"))
    start, end = str(param.value["start"]), str(param.value["end"])
    collector = [(i, t) for i, t in enumerate(transcript.turns) if t.speaker.is_collector]
    timed = [(i, t) for i, t in collector if t.at is not None]
    notes: list[str] = []
    if collector and not timed:
        notes.append(
            "静默时段未检查：坐席发言没有时间戳。 / quiet_hours not checked: the collector's turns have no timestamps."
        )
    elif len(timed) < len(collector):
        notes.append(
            f"静默时段只检查了有时间戳的 {len(timed)}/{len(collector)} 条坐席发言。 / "
            f"quiet_hours checked on the {len(timed)} of {len(collector)} collector turns that have timestamps."
        )
    offset = dt.timezone(dt.timedelta(minutes=case.debtor.utc_offset_min)) if case is not None else None
    for index, turn in timed:
        assert turn.at is not None
        local = turn.at.astimezone(offset) if offset is not None else turn.at
        if in_window(local, start, end):
            finding = Finding(
                category=Category.QUIET_HOURS,
                rule_id=f"{param.key}",
                severity=Severity.MEDIUM,
                turn=index,
                quote=turn.text[:40],
                citation=cite_category(Category.QUIET_HOURS, jurisdiction),
                explanation=f"contact at {local:%H:%M} debtor-local time, inside the {start}-{end} quiet window",
            )
            return [finding], notes
    return [], notes


def identification_findings(transcript: Transcript) -> tuple[list[Finding], list[str]]:
    """A finding when the collector never says who they are (on calls: within its first two turns)."""
    collector = [(i, t) for i, t in enumerate(transcript.turns) if t.speaker.is_collector]
    if not collector:
        return [], []
    if not transcript.complete:
        return [], [
            "未检查身份表明：对话是片段。 / missing_identification not checked: the transcript is marked incomplete."
        ]
    window = collector[:IDENTIFICATION_WITHIN] if transcript.channel == "call" else collector
    if any(IDENTIFICATION.search(t.text) for _, t in window):
        return [], []
    first_index, first = collector[0]
    return [
        Finding(
            category=Category.MISSING_IDENTIFICATION,
            rule_id="missing_identification.no_self_id",
            severity=Severity.LOW,
            turn=first_index,
            quote=first.text[:40],
            citation=cite_category(Category.MISSING_IDENTIFICATION),
            explanation=(
                "the collector does not name the institution or give a job number"
                + (" in its first two turns" if transcript.channel == "call" else " in any message")
            ),
        )
    ], []
