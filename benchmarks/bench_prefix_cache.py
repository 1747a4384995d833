"""Benchmark: how much of each prompt repeats an earlier call's prefix over a typical case workflow.

SGLang's RadixAttention reuses the KV cache of any prefix it has seen, so the share of prompt characters that
repeat an earlier prompt's prefix is what static-first assembly buys. The workflow per case: triage review,
strategy draft with tools, three negotiation turns with growing history, a compliance check. Prompts are
measured as the server sees them (after redaction to pseudonyms), static-first against question-first.

    .venv/bin/python benchmarks/bench_prefix_cache.py [--cases 20]
"""

from __future__ import annotations

import argparse
import json
import os

os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")

from core.gateway.prompting import PromptParts, assemble, prefix_reuse, serialise  # noqa: E402
from core.gateway.types import ChatMessage, ToolSpec  # noqa: E402
from core.privacy import PIIGuard  # noqa: E402
from core.privacy.synthetic import Synth  # noqa: E402

TOOLS = [
    ToolSpec(name="get_balance", description="查询案件欠款明细", parameters={"type": "object", "properties": {}}),
    ToolSpec(name="propose_plan", description="提出分期还款方案", parameters={"type": "object", "properties": {
        "months": {"type": "integer", "minimum": 1, "maximum": 36}, "amount_yuan": {"type": "number"}}}),
    ToolSpec(name="schedule_contact", description="预约合规时段联系", parameters={"type": "object", "properties": {}}),
]  # fmt: skip


def workflow(synth: Synth, case_no: int) -> list[tuple[PromptParts, str]]:
    name, phone = synth.name(), synth.mobile()
    facts = (
        f"<case_facts>\n案件：C{case_no:06d} 借款人：{name} 电话：{phone} 身份证：{synth.resident_id()}\n"
        f"地址：{synth.address()} 欠款：{synth.amount()} 逾期：{synth.rng.randrange(31, 400)}天\n</case_facts>"
    )
    history: list[ChatMessage] = []
    calls = [(PromptParts(case_facts=facts, question="复核分案结果是否合理。"), "review")]
    calls.append((PromptParts(tools=TOOLS, case_facts=facts, question="起草催收策略。"), "draft"))
    for turn, said in enumerate(["最近没钱。", "能不能分期？", f"我{synth.date()}发工资。"]):
        calls.append((PromptParts(tools=TOOLS, case_facts=facts, history=list(history), question=said), "negotiate"))
        history += [ChatMessage(role="user", content=said), ChatMessage(role="assistant", content=f"回复{turn}")]
    calls.append((PromptParts(case_facts=facts, history=list(history), question="检查以上对话是否合规。"), "comply"))
    return calls


def question_first(parts: PromptParts) -> list[ChatMessage]:
    """The anti-pattern: the variable question and facts before the static system text."""
    msgs = assemble(parts)
    return [msgs[-1], *msgs[1:-1], msgs[0]]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=20)
    args = parser.parse_args()
    synth, guard = Synth(5), PIIGuard()
    static_first: list[str] = []
    variable_first: list[str] = []
    for case_no in range(args.cases):
        for parts, _ in workflow(synth, case_no):
            for order, sink in ((assemble, static_first), (question_first, variable_first)):
                text = serialise(order(parts))
                sink.append(guard.redact(json.dumps(text, ensure_ascii=False), thread_id=f"c{case_no}").text)
    chars = sum(len(p) for p in static_first)
    print(f"prefix reuse over {args.cases} cases x 6 calls ({chars:,} prompt chars, redacted as sent):")
    print(f"  static-first (system, policy, tools, facts, question): {prefix_reuse(static_first):.1%}")
    print(f"  question-first (anti-pattern):                         {prefix_reuse(variable_first):.1%}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
