"""Answers built from this turn's tool outputs only, with numbered sources.

Also the check that every figure in an answer (the model's included) appears in a tool output of the turn.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from agents.copilot.catalogue import TOOLS
from agents.copilot.state import Answer
from agents.copilot.toolkit import Approval, Source, ToolOutcome
from tools.grounding import allowed_numbers, ungrounded

TEMPLATE_NUMBERS = frozenset({"90", "12", "5"})
"""Numbers the answer templates themselves write: the 90-day propensity and 12-month recovery horizons, and the
"at most 5" of the recent-contacts list. They are words of the template, not claims about a case."""
_MARKER = re.compile(r"\[(\d+)\]")
_LIST_NO = re.compile(r"(?m)^\s*\d+\.\s")
_CASE_ID = re.compile(r"(?<![A-Za-z0-9])C\d{6,7}(?!\d)")
_PLACEHOLDER = re.compile(r"<[A-Z_]+_\d+>")
_IDENTIFIER = re.compile(r"(?<![A-Za-z0-9])(?:int|t|call|decision|edit|doc|ld|ext)-[0-9a-zA-Z_-]{6,}")
"""Record ids (interrupts, threads, tool calls, documents) are names, not figures."""

HELP_ZH = (
    "我是清收案件助手，可以用中文或英文问我：\n"
    "· 案件事实与历史：“C000123 上次什么时候还款？”“那他的担保人呢？”\n"
    "· 案件组合查询：“列出风险最高的10个案件”“上海 M3 信用卡按余额排序”\n"
    "· 智能分案与下一步：“分析 C000123”“C000123 下一步怎么做”\n"
    "· 联系合规闸门：“晚上10点后可以打电话吗？”“现在能给 C000123 打电话吗？”\n"
    "· 估值与资产包：“C000123 值多少钱”“C000011、C000012 打包报价”\n"
    "· 协商方案：“按70%给C000123做结清方案”“C000123 最多能减免多少”“分12期”\n"
    "· 提醒草稿（必经合规审查）、文本合规审查、法规与话术检索（附出处）\n"
    "· 合同要点、法律文书起草（待主管审批）、记录还款承诺、转人工"
)
HELP_EN = (
    "I am the Qingshou case copilot. Ask in Chinese or English: case facts and history, portfolio queries (top N by "
    "risk, balance or DPD, with filters), triage and the next action, the contact gate, valuation of a case or a "
    "package, offers inside your authority, reminder drafts (always compliance-reviewed), compliance review of any "
    "text, regulation and script search with citations, contract terms, legal documents (pending a supervisor), "
    "promises to pay and hand-offs."
)


def _floats(value: Any) -> Iterable[float]:
    if isinstance(value, float):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _floats(v)
    elif isinstance(value, list):
        for v in value:
            yield from _floats(v)


def grounding_set(outcomes: list[ToolOutcome]) -> set[str]:
    """Every number this turn's tools produced (and the arguments they ran on), in canonical form."""
    values: list[object] = []
    for o in outcomes:
        values.append(o.args)
        if o.output is not None:
            values.append(o.output)
        if o.error:
            values.append(o.error)  # a tool's own refusal quotes its figures (a date, a limit)
    allowed = allowed_numbers(values) | set(TEMPLATE_NUMBERS)
    for value in _floats([o.output for o in outcomes if o.output]):
        if -10 <= value <= 10:  # a ratio may be written as a percentage, to one decimal or none
            pct = Decimal(str(value)) * 100
            allowed.add(format(pct.quantize(Decimal("0.1")).normalize(), "f"))
            allowed.add(format(pct.quantize(Decimal(1)).normalize(), "f"))
    return allowed


def turn_case_ids(outcomes: list[ToolOutcome]) -> set[str]:
    """Case ids this turn's tools touched."""
    found: set[str] = set()
    for o in outcomes:
        for blob in (o.args, o.output or {}):
            found.update(_CASE_ID.findall(str(blob)))
    return found


def _check_text(text: str) -> str:
    """The part of an answer whose numbers are claims (markers, list numbers and pseudonyms removed)."""
    return _LIST_NO.sub(" ", _MARKER.sub(" ", _PLACEHOLDER.sub(" ", _IDENTIFIER.sub(" ", text))))


def unsupported(text: str, outcomes: list[ToolOutcome]) -> tuple[list[str], list[str]]:
    """Numbers and case ids in ``text`` that no tool output of this turn holds."""
    numbers = ungrounded(_check_text(text), grounding_set(outcomes))
    ids = sorted(set(_CASE_ID.findall(text)) - turn_case_ids(outcomes))
    return numbers, ids


def scrub(text: str, numbers: list[str], ids: list[str]) -> str:
    """``text`` with the unsupported figures and case ids replaced by a visible mark."""
    for case_id in ids:
        text = re.sub(rf"(?<![A-Za-z0-9]){re.escape(case_id)}(?!\d)", "[已删除 removed]", text)
    for number in sorted(set(numbers), key=len, reverse=True):
        pattern = re.escape(number).replace(r"\.", r"\.")
        text = re.sub(rf"(?<![\d.,]){pattern}(?![\d])", "[?]", text)
    return text


def _renumber(text: str, offset: int, count: int) -> str:
    if count == 0:
        return text
    if _MARKER.search(text):
        return _MARKER.sub(
            lambda m: f"[{int(m.group(1)) + offset}]" if 1 <= int(m.group(1)) <= count else m.group(0), text
        )
    marks = "".join(f"[{offset + i}]" for i in range(1, count + 1))
    return f"{text} {marks}"


def collect(outcomes: list[ToolOutcome]) -> tuple[list[str], list[str], list[Source]]:
    """Chinese blocks, English blocks and the numbered sources of this turn's outcomes."""
    zh: list[str] = []
    en: list[str] = []
    sources: list[Source] = []
    for o in outcomes:
        if o.ok and o.described is not None:
            own = o.described.sources
            zh.append(_renumber(o.described.zh, len(sources), len(own)))
            en.append(_renumber(o.described.en, len(sources), len(own)))
            sources.extend(own)
        elif not o.ok:
            message = o.error or "failed"
            z, _, e = message.partition(" / ")
            title = TOOLS[o.name].title_zh if o.name in TOOLS else o.name
            title_en = TOOLS[o.name].title_en if o.name in TOOLS else o.name
            zh.append(f"「{title}」未完成：{z}")
            en.append(f"Could not {title_en}: {e or z}")
    return zh, en, sources


def sources_block(sources: list[Source]) -> str:
    """``来源 Sources`` with one numbered line each."""
    if not sources:
        return ""
    lines = ["来源 Sources:"]
    for i, src in enumerate(sources, 1):
        ref = f"（{src.ref}）" if src.ref else ""
        lines.append(f"[{i}] {src.label()}{ref}")
    return "\n".join(lines)


def pending_lines(pending: list[Approval]) -> tuple[str, str]:
    """What the run waits for, in both languages."""
    zh = "\n".join(f"⏸ 等待主管决定（{p.id}）：{p.summary_zh}" for p in pending)
    en = "\n".join(f"Waiting for a supervisor's decision ({p.id}): {p.summary_en}" for p in pending)
    return zh, en


def compose(kind: str, outcomes: list[ToolOutcome], *, reason: str = "", pending: list[Approval] | None = None,
            notes: list[str] | None = None) -> Answer:  # fmt: skip
    """The deterministic answer of a turn."""
    notes = list(notes or [])
    if kind == "help":
        return Answer(text=f"{HELP_ZH}\n\n{HELP_EN}", zh=HELP_ZH, en=HELP_EN, kind="help", notes=notes)
    if kind == "refuse":
        zh = ("这个请求我不能执行：它要求绕过规则、批量导出个人信息、伪造或冒充公检法，或威胁、骚扰债务人。"
              "需要时请联系合规部门。")  # fmt: skip
        en = ("I cannot do that: it asks to bypass the rules, export personal data in bulk, forge documents or "
              "impersonate authorities, or threaten or harass a debtor. "
              "Contact compliance if you need to.")  # fmt: skip
        return Answer(text=f"{zh}\n\n{en}", zh=zh, en=en, kind="refuse", notes=notes)
    if kind == "clarify":
        tool = reason.split(":")[0] if ":" in reason else ""
        if tool in TOOLS:
            zh = f"要{TOOLS[tool].title_zh}，请告诉我是哪个案件（例如 C000123）。"
            en = f"To {TOOLS[tool].title_en}, tell me which case (e.g. C000123)."
        else:
            zh = (
                "我没有理解这个请求。可以说说要查哪个案件、做什么，例如“C000123 上次什么时候还款？”；"
                "输入“帮助”查看我能做什么。"
            )
            en = (
                "I did not understand. Tell me the case and what you need, e.g. 'When did C000123 last pay?'; "
                "type 'help'."
            )
        return Answer(text=f"{zh}\n\n{en}", zh=zh, en=en, kind="clarify", notes=notes)
    zh_blocks, en_blocks, sources = collect(outcomes)
    if pending:
        pz, pe = pending_lines(pending)
        zh_blocks.append(pz)
        en_blocks.append(pe)
    zh, en = "\n".join(zh_blocks), "\n".join(en_blocks)
    text = f"{zh}\n\n{en}"
    if block := sources_block(sources):
        text = f"{text}\n\n{block}"
    numbers, ids = unsupported(f"{zh}\n{en}", outcomes)
    removed: list[str] = []
    if numbers or ids:
        text = scrub(text, numbers, ids)
        removed = [*numbers, *ids]
        notes.append("已删除无工具来源的数字 / removed figures no tool produced: " + ", ".join(removed))
    return Answer(text=text, zh=zh, en=en, kind="tools" if kind == "tools" else "limit", sources=sources,
                  tools=[o.name for o in outcomes], notes=notes, removed=removed,
                  pending=list(pending or []))  # fmt: skip


def model_answer(text: str, outcomes: list[ToolOutcome], *, pending: list[Approval] | None = None,
                 notes: list[str] | None = None) -> Answer:  # fmt: skip
    """A model-written answer, checked: unsupported figures and case ids removed and flagged; sources appended."""
    notes = list(notes or [])
    _, _, sources = collect(outcomes)
    numbers, ids = unsupported(text, outcomes)
    removed = [*numbers, *ids]
    body = scrub(text, numbers, ids) if removed else text
    if removed:
        notes.append("已删除模型给出的无工具来源的数字或案件号 / removed the model's figures or case ids no tool "
                     "produced: " + ", ".join(removed))  # fmt: skip
    if pending:
        pz, pe = pending_lines(pending)
        body = f"{body}\n\n{pz}\n{pe}"
    full = f"{body}\n\n{block}" if (block := sources_block(sources)) else body
    return Answer(text=full, zh=body, en="", sources=sources, tools=[o.name for o in outcomes], model_used=True,
                  notes=notes, removed=removed, pending=list(pending or []))  # fmt: skip
