"""The pre-contact gate: may this contact be made now? Flags, quiet hours, third parties and call frequency."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field, field_validator

from core.domain import CaseFile, CaseFlag, Channel, ContactAttempt, ContactOutcome
from retrieval.rule_params import rule_params
from tools.compliance.citations import cite
from tools.compliance.models import Citation
from tools.compliance.review import _check_jurisdiction
from tools.compliance.rules import in_window

Callee = Literal["debtor", "guarantor", "contact", "third_party"]
REACHED = frozenset(
    {
        ContactOutcome.CONNECTED,
        ContactOutcome.RIGHT_PARTY_CONTACT,
        ContactOutcome.PROMISE_TO_PAY,
        ContactOutcome.REFUSED,
    }
)
"""Outcomes of a call that was answered (a connected call)."""
UNANSWERED = frozenset({ContactOutcome.NO_ANSWER})
UNREACHABLE_LOOKBACK_DAYS = 30
"""The debtor counts as unreachable when every attempt on them in this many days failed (and there was one)."""
ELECTRONIC = frozenset({Channel.SMS, Channel.WECHAT, Channel.APP})
# Flags that stop all collection contact; each refusal names the flag. These come from the bank's own policy
# (hard overrides send the case to a person), so they carry no regulation citation, except the US opt-out.
STOPPING_FLAGS: dict[CaseFlag, tuple[str, str]] = {
    CaseFlag.LEGAL_HOLD: (
        "案件处于法律冻结（legal hold），停止一切催收联系。",
        "The case is on legal hold: no contact.",
    ),
    CaseFlag.DISPUTE: (
        "债务存在争议，核实解决前停止催收联系。",
        "The debt is disputed: no collection contact until resolved.",
    ),
    CaseFlag.OPT_OUT: ("债务人已要求停止此类联系（opt-out）。", "The debtor opted out of collection contact."),
    CaseFlag.BANKRUPTCY: ("债务人处于破产程序，停止催收联系。", "The debtor is in bankruptcy: no collection contact."),
}


class PlannedContact(BaseModel):
    """A contact someone wants to make."""

    channel: Channel = Field(description="call, sms, wechat, app, visit or letter")
    at: dt.datetime = Field(description="When, with UTC offset")
    callee: Callee = Field(
        default="debtor", description="debtor, guarantor, contact (named by the debtor) or third_party"
    )
    debtor_agreed_time: bool = Field(
        default=False, description="The debtor agreed to be contacted at this time (the quiet-hours exception)"
    )

    @field_validator("at")
    @classmethod
    def _aware(cls, value: dt.datetime) -> dt.datetime:
        if value.utcoffset() is None:
            raise ValueError("planned time has no UTC offset")
        return value


class GateDecision(BaseModel):
    """Allowed or refused, with the rule that decided."""

    allowed: bool
    rule_id: str | None = Field(description="The rule parameter or policy that refused; None when allowed")
    reason_zh: str
    reason_en: str
    citation: Citation | None = Field(description="The pack entry behind the rule, when it comes from a regulation")
    debtor_local_time: str = Field(description="The planned time in the debtor's local time, ISO-8601")
    checked: list[str] = Field(description="Rules checked, in order")


def _refuse(
    rule_id: str, zh: str, en: str, citation: Citation | None, local: dt.datetime, checked: list[str]
) -> GateDecision:
    return GateDecision(
        allowed=False, rule_id=rule_id, reason_zh=zh, reason_en=en, citation=citation,
        debtor_local_time=local.isoformat(), checked=checked,
    )  # fmt: skip


def _local_day(at: dt.datetime, tz: dt.tzinfo) -> dt.date:
    return at.astimezone(tz).date()


def _flag_decision(
    plan: PlannedContact, case: CaseFile, jurisdiction: str
) -> tuple[str, str, str, Citation | None] | None:
    for flag, (zh, en) in STOPPING_FLAGS.items():
        if flag in case.flags:
            citation = (
                cite("us-reg-f/1006.6e")
                if flag is CaseFlag.OPT_OUT and jurisdiction == "US" and plan.channel in ELECTRONIC
                else None
            )
            return f"policy.{flag.value}", zh, en, citation
    if CaseFlag.DECEASED in case.flags and plan.callee == "debtor":
        return (
            "policy.deceased",
            "债务人已故，不得联系债务人本人。",
            "The debtor is deceased: the debtor cannot be contacted.",
            None,
        )
    return None


def _debtor_unreachable(case: CaseFile, history: list[ContactAttempt], at: dt.datetime) -> bool:
    if CaseFlag.DECEASED in case.flags:
        return True
    since = at - dt.timedelta(days=UNREACHABLE_LOOKBACK_DAYS)
    recent = [a for a in history if a.callee == "debtor" and since <= a.at <= at]
    return bool(recent) and not any(a.outcome in REACHED for a in recent)


def check_contact(
    plan: PlannedContact, history: list[ContactAttempt], *, case: CaseFile, jurisdiction: str = "CN"
) -> GateDecision:
    """Allow or refuse a planned contact under the jurisdiction's rule parameters.

    Args:
        plan: What, when and whom.
        history: The case's earlier contact attempts (times in UTC). Attempts carry no phone number, so dials
            to the same callee count as dials to one number.
        case: The case (flags, the debtor's UTC offset).
        jurisdiction: ``CN`` (default) or ``US`` (Reg F).

    Raises:
        UnknownJurisdictionError: no pack for ``jurisdiction``.
    """
    _check_jurisdiction(jurisdiction)
    params = rule_params()
    tz = dt.timezone(dt.timedelta(minutes=case.debtor.utc_offset_min))
    local = plan.at.astimezone(tz)
    checked: list[str] = ["policy.flags"]
    if (flagged := _flag_decision(plan, case, jurisdiction)) is not None:
        return _refuse(*flagged, local, checked)
    quiet = params.get("cn.quiet_hours" if jurisdiction == "CN" else "us.inconvenient_hours")
    checked.append(quiet.key)
    start, end = str(quiet.value["start"]), str(quiet.value["end"])
    if plan.channel is not Channel.LETTER and not plan.debtor_agreed_time and in_window(local, start, end):
        return _refuse(
            quiet.key,
            f"债务人当地时间 {local:%H:%M} 处于 {start}-{end} 禁止催收时段。",
            f"{local:%H:%M} at the debtor's location is inside the {start}-{end} quiet hours.",
            cite(quiet.rules[0]), local, checked,
        )  # fmt: skip
    third = _third_party_decision(plan, case, history, checked)
    if third is not None:
        return _refuse(*third, local, checked)
    if plan.channel is Channel.CALL:
        freq = (
            _cn_frequency(plan, history, tz, checked) if jurisdiction == "CN" else _us_frequency(plan, history, checked)
        )
        if freq is not None:
            return _refuse(*freq, local, checked)
    return GateDecision(
        allowed=True, rule_id=None, reason_zh="符合所检查的全部规则。", reason_en="Every checked rule allows it.",
        citation=None, debtor_local_time=local.isoformat(), checked=checked,
    )  # fmt: skip


Refusal = tuple[str, str, str, Citation | None]


def _third_party_decision(
    plan: PlannedContact, case: CaseFile, history: list[ContactAttempt], checked: list[str]
) -> Refusal | None:
    if plan.callee == "third_party":
        param = rule_params().get("cn.no_unrelated_third_parties")
        checked.append(param.key)
        return (
            param.key,
            "不得联系与债务无关的第三人。",
            "Unrelated third parties may not be contacted.",
            cite(param.rules[0]),
        )
    if plan.callee != "contact":
        return None
    param = rule_params().get("cn.contacts_only_when_debtor_unreachable")
    checked.append(param.key)
    if any(a.callee == "contact" and a.outcome is ContactOutcome.REFUSED for a in history if a.at <= plan.at):
        return (
            param.key, "联系人已拒绝接受联系，应停止联系。", "The contact person refused further contact: stop.",
            cite("cn-nifa-standard-2025/contacts-refuse"),
        )  # fmt: skip
    if not _debtor_unreachable(case, history, plan.at):
        return (
            param.key,
            "仅在联系不上债务人（或其死亡、丧失行为能力）时才可联系联系人。",
            "Contacts may be called only when the debtor cannot be reached (or has died or lost capacity).",
            cite("cn-nifa-standard-2025/contacts-when"),
        )
    return None


def _cn_frequency(
    plan: PlannedContact, history: list[ContactAttempt], tz: dt.tzinfo, checked: list[str]
) -> Refusal | None:
    day = _local_day(plan.at, tz)
    today = [a for a in history if a.channel is Channel.CALL and a.at <= plan.at and _local_day(a.at, tz) == day]
    connected = rule_params().get("cn.max_connected_calls_per_day")
    checked.append(connected.key)
    limit = int(connected.value["max"])
    reached = sum(1 for a in today if a.callee == "debtor" and a.outcome in REACHED)
    if plan.callee == "debtor" and reached >= limit:
        return (
            connected.key, f"今日已与债务人接通 {reached} 次，达到每日 {limit} 次上限。",
            f"{reached} connected calls with the debtor today: the daily limit is {limit}.", cite(connected.rules[0]),
        )  # fmt: skip
    dials = rule_params().get("cn.max_unanswered_dials_per_number_per_day")
    checked.append(dials.key)
    limit = int(dials.value["max"])
    unanswered = sum(1 for a in today if a.callee == plan.callee and a.outcome in UNANSWERED)
    if unanswered >= limit:
        return (
            dials.key, f"今日对该号码未接通拨打已 {unanswered} 次，达到每日 {limit} 次上限。",
            f"{unanswered} unanswered dials to this number today: the daily limit is {limit}.", cite(dials.rules[0]),
        )  # fmt: skip
    return None


def _us_frequency(plan: PlannedContact, history: list[ContactAttempt], checked: list[str]) -> Refusal | None:
    param = rule_params().get("us.call_frequency")
    checked.append(param.key)
    period = dt.timedelta(days=int(param.value["period_days"]))
    wait = dt.timedelta(days=int(param.value["wait_after_conversation_days"]))
    limit = int(param.value["max"])
    calls = [a for a in history if a.channel is Channel.CALL and plan.at - period < a.at <= plan.at]
    if len(calls) >= limit:
        return (
            param.key, f"过去7天已拨打 {len(calls)} 次，达到 {limit} 次上限。",
            f"{len(calls)} calls placed in the last 7 days: the limit is {limit} in 7.", cite(param.rules[0]),
        )  # fmt: skip
    talks = [
        a for a in history
        if a.channel is Channel.CALL and a.callee == "debtor" and a.outcome in REACHED
        and plan.at - wait < a.at <= plan.at
    ]  # fmt: skip
    if talks:
        last = max(a.at for a in talks)
        return (
            param.key, "与债务人通话后7天内不得再次致电。",
            f"A telephone conversation with the debtor took place on {last:%Y-%m-%d}: wait 7 days after it.",
            cite(param.rules[0]),
        )  # fmt: skip
    return None
