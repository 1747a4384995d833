"""A LangGraph node that runs compliance review on a draft before a graph sends it (rules, then the model).

Any graph whose state has ``case_id``, ``outgoing: OutgoingDraft | None`` and ``draft_review: DraftReview | None``, and
whose context has ``deps`` and ``clock``, can add it: ``builder.add_node("compliance_review", compliance_review)``
between the node that writes ``outgoing`` and the one that sends it, and send only when ``draft_review.sendable``.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Mapping
from typing import Any, Literal, Protocol

from langgraph.runtime import Runtime
from pydantic import BaseModel, Field, ValidationError

from core.deps import Deps
from core.domain import CaseFile
from core.repository import CaseNotFoundError
from tools.compliance.models import Finding, ReviewChannel, SemanticLayer, Speaker, Transcript, Turn
from tools.compliance.review import UnknownJurisdictionError, review_with_model

log = logging.getLogger(__name__)
# Stands in for whoever answered, so that third-party rules apply to a draft meant for a third party.
_THIRD_PARTY_CUE = "（接听人不是债务人本人）"


class OutgoingDraft(BaseModel):
    """A message or call script a graph is about to send (masked, as the graph holds it)."""

    channel: ReviewChannel = Field(description="call, sms, wechat or app")
    text: str = Field(min_length=1, description="The draft, exactly as it would be sent or read out")
    recipient: Literal["debtor", "third_party"] = Field(
        default="debtor", description="Who receives it: third-party rules (no disclosure) apply to a third party"
    )
    speaker: Literal["agent", "bot"] = Field(default="agent", description="A person (agent) or an automated sender")
    send_at: dt.datetime | None = Field(
        default=None, description="When it goes out (with offset); the run's clock when None. Quiet hours use it"
    )
    standalone: bool | None = Field(
        default=None,
        description="The whole communication (self-identification checked); default True for SMS, False otherwise",
    )


class DraftReview(BaseModel):
    """The compliance verdict on one outgoing draft."""

    verdict: Literal["pass", "fail"]
    sendable: bool = Field(description="Passed review: the graph may send it")
    findings: list[Finding] = Field(default_factory=list, description="Violations in the draft (turn is always 0)")
    semantic_layer: SemanticLayer | None = Field(default=None, description="What happened to the model layer")
    notes: list[str] = Field(default_factory=list)
    reason: str | None = Field(default=None, description="Why the draft may not be sent")


class _ReviewContext(Protocol):
    deps: Deps
    clock: Callable[[], dt.datetime]


async def review_draft(
    deps: Deps,
    case_id: str,
    draft: OutgoingDraft,
    *,
    now: dt.datetime,
    jurisdiction: str = "CN",
    case: CaseFile | None = None,
) -> DraftReview:
    """Review ``draft`` as the collector's next turn on ``case_id``: content, disclosure to third parties, quiet hours.

    ``case`` saves loading the case again when the caller holds it (the reminder batch). Never raises for a bad case
    or draft: the review then refuses to let it be sent, and says why.
    """
    try:
        if case is None or case.id != case_id:
            case = deps.cases.get_case(case_id)
        turns = [Turn(speaker=Speaker.THIRD_PARTY, text=_THIRD_PARTY_CUE)] if draft.recipient == "third_party" else []
        turns.append(Turn(speaker=Speaker(draft.speaker), text=draft.text, at=draft.send_at or now))
        standalone = draft.standalone if draft.standalone is not None else draft.channel == "sms"
        transcript = Transcript(channel=draft.channel, case_id=case_id, complete=standalone, turns=turns)
        result = await review_with_model(transcript, deps=deps, case=case, jurisdiction=jurisdiction)
    except (CaseNotFoundError, ValidationError, UnknownJurisdictionError) as exc:
        log.warning("compliance review of a draft refused: %s", type(exc).__name__)
        return DraftReview(verdict="fail", sendable=False, reason=f"无法审查，不得发送 / cannot be reviewed: {exc}")
    offset = len(turns) - 1
    findings = [f.model_copy(update={"turn": f.turn - offset}) for f in result.findings if f.turn == offset]
    reason = "; ".join(f"{f.category.value}: {f.quote}" for f in findings) or None
    return DraftReview(
        verdict="fail" if findings else "pass",
        sendable=not findings,
        findings=findings,
        semantic_layer=result.semantic_layer,
        notes=result.notes,
        reason=f"合规审查未通过 / failed compliance review: {reason}" if reason else None,
    )


def _read(state: object, name: str) -> Any:
    return state.get(name) if isinstance(state, Mapping) else getattr(state, name, None)


async def compliance_review(state: Any, runtime: Runtime[Any]) -> dict[str, Any]:
    """Graph node: review ``state.outgoing`` and write ``draft_review`` (None when there is no draft).

    ``state`` is the host graph's own state (a dataclass, pydantic model or TypedDict holding ``case_id`` and
    ``outgoing``); it is typed ``Any`` so that LangGraph hands the node the host's state rather than a schema of its
    own.
    """
    outgoing = _read(state, "outgoing")
    if outgoing is None:
        return {"draft_review": None}
    draft = OutgoingDraft.model_validate(outgoing)  # a TypedDict state may hold it as a plain mapping
    ctx: _ReviewContext = runtime.context  # the host's context: anything with ``deps`` and ``clock``
    return {"draft_review": await review_draft(ctx.deps, str(_read(state, "case_id")), draft, now=ctx.clock())}
