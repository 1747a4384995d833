"""Static-first prompt assembly (system, policy, tool schemas, case facts, question) and prefix-reuse measure."""

from __future__ import annotations

import json
from collections.abc import Sequence

from pydantic import BaseModel, Field

from core.domain import CaseFile
from core.gateway.types import ChatMessage, ToolSpec
from prompts.case_facts import CASE_FACTS, POLICY, QUESTION, SYSTEM


class PromptParts(BaseModel):
    """The pieces of a prompt, from the most shared to the most specific."""

    system: str = SYSTEM
    policy: str = POLICY
    tools: list[ToolSpec] = Field(default_factory=list)
    case_facts: str = ""
    history: list[ChatMessage] = Field(default_factory=list)
    question: str


def render_case_facts(case: CaseFile) -> str:
    """The case facts block (it carries PII: the gateway redacts it on the way out)."""
    debtor = case.debtor
    return CASE_FACTS.format(
        case_id=case.id,
        product=case.loan.product.value,
        dpd=case.loan.days_past_due,
        bucket=case.loan.bucket.value,
        debtor_name=debtor.name,
        debtor_phone="、".join(debtor.phones),
        resident_id=debtor.resident_id,
        address=debtor.address,
        outstanding=case.loan.outstanding_total,
        principal=case.loan.outstanding_principal,
        guarantors="；".join(f"{g.name}（{g.relation}，{g.phone}）" for g in case.guarantors) or "无",
        contacts="；".join(f"{c.name}（{c.relation}，{c.phone}）" for c in debtor.contacts) or "无",
        notes=case.notes or "无",
    )


def assemble(parts: PromptParts) -> list[ChatMessage]:
    """Messages in cache-friendly order: one system message of the static parts, then facts, history, question.

    Tool schemas go into the system text in a stable order (sorted by name) as well as into ``tools``, so
    two calls with the same tools share the whole static prefix.
    """
    static = [parts.system, parts.policy]
    if parts.tools:
        schemas = [t.model_dump() for t in sorted(parts.tools, key=lambda t: t.name)]
        static.append(f"<tools>\n{json.dumps(schemas, ensure_ascii=False, sort_keys=True)}\n</tools>")
    messages = [ChatMessage(role="system", content="\n\n".join(static))]
    if parts.case_facts:
        messages.append(ChatMessage(role="user", content=parts.case_facts))
    messages.extend(parts.history)
    messages.append(ChatMessage(role="user", content=QUESTION.format(question=parts.question)))
    return messages


def serialise(messages: Sequence[ChatMessage]) -> str:
    """The prompt text a server sees, in order (what a prefix cache keys on)."""
    return "".join(f"<|{m.role}|>{m.content or ''}" for m in messages)


def prefix_reuse(prompts: Sequence[str]) -> float:
    """Share of all prompt characters that repeat the longest prefix of some earlier prompt."""
    total = sum(len(p) for p in prompts)
    if total == 0:
        return 0.0
    reused = 0
    for i, prompt in enumerate(prompts):
        best = 0
        for earlier in prompts[:i]:
            n = 0
            limit = min(len(prompt), len(earlier))
            while n < limit and prompt[n] == earlier[n]:
                n += 1
            best = max(best, n)
        reused += best
    return reused / total
