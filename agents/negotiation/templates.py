"""Approved scripts filled from tool results: the reply the agent sends when no model writes one."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel

from agents.negotiation.types import CaseFacts, DebtorReading, DraftChannel, PromiseOutcome
from retrieval.packs import PACKS_DIR, PackEntry, load_pack
from tools.negotiation.models import Offer

DRAFTING_FILE = Path(__file__).resolve().parent / "drafting.yaml"
_PLACEHOLDER = re.compile(r"\{([^{}]+)\}")
_STAFF_NOTE = re.compile(r"（(?:坐席|不得)[^）]*）")


class DraftingConfig(BaseModel):
    """``drafting.yaml``: the institution's fixed values and the script for each situation."""

    pack: str
    institution: str
    service_phone: str
    callback_phone: str
    repayment_channel: str
    hotline: str
    dispute_review_days: int
    dispute_channel: str
    scripts: dict[str, str]


class Filled(BaseModel):
    """A filled script."""

    template_id: str
    text: str


class UnfilledPlaceholderError(ValueError):
    """A script needs a value no tool produced (the draft is withheld rather than guessed)."""


class MissingScriptError(UnfilledPlaceholderError):
    """``drafting.yaml`` names a script the approved pack does not hold (yet): nothing unapproved is sent instead."""


@lru_cache(maxsize=1)
def drafting_config(path: Path = DRAFTING_FILE) -> DraftingConfig:
    """The drafting configuration (parsed once)."""
    return DraftingConfig.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))


@lru_cache(maxsize=1)
def scripts() -> dict[str, PackEntry]:
    """The approved scripts by entry id."""
    config = drafting_config()
    doc = load_pack(PACKS_DIR / "scripts" / f"{config.pack}.yaml")
    return {entry.id: entry for entry in doc.entries}


def money(value: Decimal) -> str:
    """Yuan as written in drafts: two decimals, no thousands separator."""
    return f"{value:.2f}"


def cn_date(value: dt.date) -> str:
    """A date as written in drafts: 11月18日."""
    return f"{value.month}月{value.day}日"


def situation(
    reading: DebtorReading, promise: PromiseOutcome | None, offer: Offer | None, bucket: str, *, approved: bool = False
) -> str | None:
    """Which script answers this turn (a key of ``drafting.yaml`` scripts); None when no script fits.

    With ``approved`` (``offer`` holds terms a supervisor approved) a turn with no other purpose states that offer.
    """
    primary = reading.primary
    for signal in ("mental_distress", "illness", "job_loss", "disaster"):
        if signal in reading.vulnerabilities:
            return signal
    if primary == "dispute":
        return "dispute"
    if primary == "third_party_answered":
        return "third_party"
    if primary in ("asks_for_human",) or reading.emotion == "angry" or reading.vulnerabilities:
        return None
    if primary == "promise_to_pay" and promise is not None:
        # 下周还 / 下个月还 / 发了工资就还: no day (or no amount, or a day too far) is not a promise to record: ask.
        return "promise_confirmed" if promise.recorded else "promise_clarify"
    if offer is not None and (primary in ("asks_for_plan", "refusal", "hardship") or (approved and primary is None)):
        return "settlement" if offer.kind == "settlement" else "plan"
    if primary is None and bucket == "M1":
        return "reminder"
    return "opening"


def _values(facts: CaseFacts, offer: Offer | None, promise: PromiseOutcome | None) -> dict[str, str]:
    config = drafting_config()
    values = {
        "机构名称": config.institution,
        "客户称呼": facts.salutation,
        "客服电话": config.service_phone,
        "回拨电话": config.callback_phone,
        "还款渠道": config.repayment_channel,
        "热线电话": config.hotline,
        "天数": str(config.dispute_review_days),
        "渠道": config.dispute_channel,
        "逾期天数": str(facts.days_past_due),
        "金额": money(facts.outstanding_total),
    }
    if promise is not None and promise.recorded and promise.amount is not None and promise.due_on is not None:
        values.update({"金额": money(promise.amount), "日期": cn_date(promise.due_on)})
    elif offer is not None:
        values.update({"金额": money(offer.amount_due), "日期": cn_date(offer.due_on)})
        if offer.kind == "instalment":
            values.update({"期数": str(offer.months), "每期金额": money(offer.monthly_payment)})
            values["首付金额"] = money(offer.down_payment)
            if offer.schedule is not None:
                values["分期金额"] = money(offer.schedule.principal)
    return values


def fill_text(entry: PackEntry, values: dict[str, str]) -> str:
    """An approved script with its placeholders replaced, on one line (YAML folding removed).

    Raises:
        UnfilledPlaceholderError: the script needs a value ``values`` lacks (nothing is guessed).
    """
    missing = [name for name in _PLACEHOLDER.findall(entry.text) if name not in values]
    if missing:
        raise UnfilledPlaceholderError(f"{entry.id}: no value for {', '.join(missing)}")
    text = _PLACEHOLDER.sub(lambda m: values[m.group(1)], entry.text).replace("\n", "")
    return re.sub(r"(?<=[，。？！、；：）])\s+", "", text)


def fill(
    key: str, channel: DraftChannel, facts: CaseFacts, offer: Offer | None, promise: PromiseOutcome | None
) -> Filled:
    """Fill the script for situation ``key`` for ``channel``.

    Raises:
        UnfilledPlaceholderError: the script needs a value no tool produced.
    """
    config = drafting_config()
    if key == "reminder":
        key = "reminder_sms" if channel == "sms" else "reminder_call"
    if key == "plan" and (offer is None or offer.down_payment <= 0 or offer.schedule is None):
        key = "plan_no_down"  # the script without a down payment, so none is stated that the plan lacks
    entry_id = config.scripts[key]
    if entry_id not in scripts():
        raise MissingScriptError(f"{config.pack} has no script {entry_id} (situation {key})")
    entry = scripts()[entry_id]
    values = _values(facts, offer, promise)
    if key.startswith("reminder_") and facts.arrears > 0:
        values["金额"] = money(facts.arrears)  # 本期 / 当前应还: the missed instalments, not the whole balance
    text = fill_text(entry, values)
    if channel != "call":
        text = _STAFF_NOTE.sub("", text).strip()
    if channel == "sms":
        if not text.startswith("【"):
            text = f"【{config.institution}】{text}"
        if "退订" not in text:
            text += "回复TD退订。"
    return Filled(template_id=f"{config.pack}/{entry.id}", text=text)
