"""Chinese (and English) labels for the codes staff should never have to read raw: tiers, queues, products, ..."""

from __future__ import annotations

import datetime as dt

TIERS = {
    "reminder": ("自动提醒", "automated reminder"),
    "digital": ("数字化催收", "digital collection"),
    "agent_call": ("坐席外呼", "agent call"),
    "senior_negotiation": ("资深协商", "senior negotiation"),
    "legal": ("法务", "legal"),
    "human_review": ("人工复核", "human review"),
}
QUEUES = {
    "auto_reminder": "自动提醒队列",
    "digital_sequence": "数字化触达队列",
    "call_center": "电催坐席",
    "senior_desk": "资深协商组",
    "legal_desk": "法务组",
    "human_review": "人工复核",
    "review_estate": "遗产处理复核",
    "review_legal": "法律程序复核",
    "review_dispute": "争议复核",
    "review_complaint": "投诉复核",
    "review_vulnerable": "特殊群体复核",
}
STRATEGIES = {
    "self_cure_reminder": "提醒自愈",
    "digital_nudge": "数字化提醒",
    "call_and_plan": "电话沟通并制定还款计划",
    "negotiate_settlement": "协商结清",
    "legal_demand": "法律催告",
    "hold_for_review": "暂停待复核",
}
PRODUCTS = {
    "consumer_loan": ("消费贷", "consumer loan"),
    "credit_card": ("信用卡", "credit card"),
    "property_backed": ("房产抵押贷", "property-backed loan"),
}
CHANNELS = {"call": "电话", "sms": "短信", "wechat": "微信", "app": "App 推送", "visit": "上门", "letter": "信函"}
OUTCOMES = {
    "no_answer": "未接通",
    "connected": "已接通",
    "right_party_contact": "本人接听",
    "promise_to_pay": "承诺还款",
    "refused": "拒绝沟通",
    "wrong_number": "错号",
}
FLAGS = {
    "dispute": "争议",
    "deceased": "已故",
    "legal_hold": "法律冻结",
    "bankruptcy": "破产",
    "vulnerable": "特殊群体",
    "complaint_open": "投诉处理中",
    "opt_out": "拒绝联系",
}
PROMISES = {"pending": "待履行", "kept": "已履行", "broken": "已违约"}
METHODS = {
    "equal_instalment": "等额本息",
    "equal_principal": "等额本金",
    "interest_first": "先息后本",
    "bullet": "到期还本",
}
PAYMENT_CHANNELS = {
    "bank_transfer": "银行转账",
    "app": "App 还款",
    "wechat_pay": "微信支付",
    "alipay": "支付宝",
    "counter": "柜台",
}
STATUSES = {"open": "处理中", "closed": "已结案", "settled": "已结清", "written_off": "已核销"}
LEGAL_STATUSES = {"none": "未进入法律程序", "pre_litigation": "诉前", "litigation": "诉讼中", "judgment": "已判决",
                  "enforcement": "强制执行"}  # fmt: skip
CALLEES = {"debtor": "债务人本人", "guarantor": "担保人", "contact": "联系人", "third_party": "第三人"}
AUDIT_ACTIONS = {
    "triage": "智能分案", "experiment_assign": "实验分组", "next_action_planned": "计划下一步",
    "reminder_drafted": "起草提醒", "reminder_reviewed": "提醒合规审查", "reminder_stored": "提醒入发送队列",
    "reminder_withdrawn": "提醒撤回", "reminder_dispatched": "提醒已发送", "reminder_dispatch_failed": "提醒发送失败",
    "offer_approval_requested": "申请方案审批", "offer_approved": "方案获批", "offer_rejected": "方案驳回",
    "offer_edited": "方案修改后获批", "negotiation_handoff": "转人工", "promise_recorded": "记录还款承诺",
    "contract_extracted": "合同抽取", "legal_document_drafted": "起草法律文书",
    "legal_document_approved": "法律文书获批", "legal_document_rejected": "法律文书驳回",
    "copilot_decision": "主管决定", "contact_referral_rejected": "联系转人工被驳回",
    "contact_referral_edited": "联系方式修改",
}  # fmt: skip
CN_TZ = dt.timezone(dt.timedelta(hours=8))


def tier_zh(code: str | None) -> str:
    """自动提醒 for reminder; 未分案 for none."""
    return TIERS.get(code or "", (code or "尚未分案", ""))[0]


def tier_en(code: str | None) -> str:
    """The tier in plain English."""
    return TIERS.get(code or "", ("", code or "not triaged"))[1]


def queue_zh(code: str | None) -> str:
    """The queue's Chinese name."""
    return QUEUES.get(code or "", code or "—")


def strategy_zh(code: str | None) -> str:
    """The strategy's Chinese name."""
    return STRATEGIES.get(code or "", code or "—")


def product_zh(code: str) -> str:
    """The product's Chinese name."""
    return PRODUCTS.get(code, (code, code))[0]


def product_en(code: str) -> str:
    """The product in plain English."""
    return PRODUCTS.get(code, (code, code))[1]


def channel_zh(code: str) -> str:
    """The contact or payment channel's Chinese name."""
    return CHANNELS.get(code) or PAYMENT_CHANNELS.get(code, code)


def action_zh(code: str) -> str:
    """The audit action's Chinese name."""
    return AUDIT_ACTIONS.get(code, code)


def outcome_zh(code: str) -> str:
    """The contact outcome's Chinese name."""
    return OUTCOMES.get(code, code)


def flag_zh(code: str) -> str:
    """The flag's Chinese name."""
    return FLAGS.get(code, code)


def promise_zh(code: str) -> str:
    """The promise status's Chinese name."""
    return PROMISES.get(code, code)


def method_zh(code: str) -> str:
    """The repayment method's Chinese name."""
    return METHODS.get(code, code)


def cn_time(value: dt.datetime | None) -> str:
    """A timestamp in Beijing time, minutes precision ("无" when none)."""
    if value is None:
        return "无"
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(CN_TZ).strftime("%Y-%m-%d %H:%M")


def all_labels() -> dict[str, dict[str, str]]:
    """Every code's Chinese label, for the page."""
    return {
        "tier": {k: v[0] for k, v in TIERS.items()},
        "queue": QUEUES,
        "strategy": STRATEGIES,
        "product": {k: v[0] for k, v in PRODUCTS.items()},
        "channel": CHANNELS,
        "outcome": OUTCOMES,
        "flag": FLAGS,
        "promise": PROMISES,
        "method": METHODS,
        "payment_channel": PAYMENT_CHANNELS,
        "status": STATUSES,
        "legal_status": LEGAL_STATUSES,
        "callee": CALLEES,
        "action": AUDIT_ACTIONS,
    }
