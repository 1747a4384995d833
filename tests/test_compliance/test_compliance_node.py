"""The compliance-review node, wired into a small graph the way the case workflow would wire it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from langgraph.graph import END, START, StateGraph

from agents.compliance.node import DraftReview, OutgoingDraft, compliance_review, review_draft
from core.deps import Deps

NOON_BEIJING = dt.datetime(2026, 11, 3, 4, 0, tzinfo=dt.UTC)
LATE_BEIJING = dt.datetime(2026, 11, 3, 15, 30, tzinfo=dt.UTC)  # 23:30 in Beijing
CLEAN = "【清收示范银行】张先生您好，您的贷款已逾期，请通过手机银行App还款，如有困难可致电95500协商。回复TD退订。"


@dataclass(kw_only=True)
class SendState:
    case_id: str
    outgoing: OutgoingDraft | None = None
    draft_review: DraftReview | None = None
    sent: list[str] = field(default_factory=list)


@dataclass(kw_only=True)
class SendContext:
    deps: Deps
    clock: Callable[[], dt.datetime]


def send(state: SendState) -> dict[str, Any]:
    ok = state.outgoing is not None and state.draft_review is not None and state.draft_review.sendable
    return {"sent": [state.outgoing.text] if ok and state.outgoing else []}


def graph() -> Any:
    builder = StateGraph(SendState, context_schema=SendContext)
    builder.add_node("compliance_review", compliance_review)
    builder.add_node("send", send)
    builder.add_edge(START, "compliance_review")
    builder.add_edge("compliance_review", "send")
    builder.add_edge("send", END)
    return builder.compile()


async def run(deps: Deps, draft: OutgoingDraft | None, at: dt.datetime = NOON_BEIJING) -> dict[str, Any]:
    state = SendState(case_id="C000006", outgoing=draft)
    return await graph().ainvoke(state, context=SendContext(deps=deps, clock=lambda: at))


async def test_a_clean_draft_is_sent(deps: Deps) -> None:
    out = await run(deps, OutgoingDraft(channel="sms", text=CLEAN, speaker="bot"))
    review = out["draft_review"]
    assert review.verdict == "pass" and review.sendable and out["sent"] == [CLEAN]
    assert review.semantic_layer and review.semantic_layer.status == "skipped"  # no model server in tests


@pytest.mark.parametrize(
    ("text", "category"),
    [("【清收示范银行】再不还钱，我们就去你单位找你领导。", "threat"),
     ("【清收示范银行】你这个老赖，赶紧还钱。", "insult"),
     ("您好，请尽快通过手机银行还款。", "missing_identification")],  # an SMS must say who sends it
)  # fmt: skip
async def test_a_failing_draft_is_not_sent(deps: Deps, text: str, category: str) -> None:
    out = await run(deps, OutgoingDraft(channel="sms", text=text))
    review = out["draft_review"]
    assert review.verdict == "fail" and not review.sendable and out["sent"] == []
    assert category in {f.category.value for f in review.findings}
    assert all(f.turn == 0 for f in review.findings) and review.reason and category in review.reason


async def test_quiet_hours_use_the_send_time_in_the_debtors_zone(deps: Deps) -> None:
    late = await run(deps, OutgoingDraft(channel="sms", text=CLEAN), at=LATE_BEIJING)
    assert [f.category.value for f in late["draft_review"].findings] == ["quiet_hours"] and late["sent"] == []
    scheduled = OutgoingDraft(channel="sms", text=CLEAN, send_at=dt.datetime(2026, 11, 4, 1, 0, tzinfo=dt.UTC))
    assert (await run(deps, scheduled, at=LATE_BEIJING))["draft_review"].sendable  # 09:00 the next morning


async def test_disclosure_counts_only_when_a_third_party_receives_it(deps: Deps) -> None:
    text = "您好，我是清收示范银行的工作人员，他的贷款已经逾期了，请让他回电。"
    to_debtor = await review_draft(deps, "C000006", OutgoingDraft(channel="call", text=text), now=NOON_BEIJING)
    assert to_debtor.sendable
    third = OutgoingDraft(channel="call", text=text, recipient="third_party")
    to_other = await review_draft(deps, "C000006", third, now=NOON_BEIJING)
    assert not to_other.sendable and {f.category.value for f in to_other.findings} == {"third_party_disclosure"}


async def test_nothing_to_review_and_bad_input(deps: Deps) -> None:
    assert (await run(deps, None))["draft_review"] is None
    unknown = await review_draft(deps, "C999999", OutgoingDraft(channel="sms", text=CLEAN), now=NOON_BEIJING)
    assert not unknown.sendable and unknown.reason and "C999999" in unknown.reason
    naive = OutgoingDraft(channel="sms", text=CLEAN, send_at=dt.datetime(2026, 11, 4, 9, 0))
    refused = await review_draft(deps, "C000006", naive, now=NOON_BEIJING)
    assert not refused.sendable and refused.reason and "offset" in refused.reason
