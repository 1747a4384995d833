"""The rule layer's general classes: intent verb + target, lawful-visit context, negation scope, English forms."""

from __future__ import annotations

import pytest

from tools.compliance.lexicon import patterns
from tools.compliance.models import Transcript
from tools.compliance.review import review
from tools.compliance.rules import _negated

OPENER = "您好，我是华信银行信用卡中心的工作人员，工号1234。"


def said_to_debtor(line: str) -> set[str]:
    rows = [
        {"speaker": "agent", "text": OPENER},
        {"speaker": "debtor", "text": "嗯。"},
        {"speaker": "agent", "text": line},
    ]
    result = review(Transcript.model_validate({"channel": "call", "turns": rows}))
    return {f.category.value for f in result.findings if f.turn == 2}


def test_every_macro_is_expanded() -> None:
    for pattern in patterns():
        assert "{" not in pattern.regex.replace("{0,", "").replace("{1,", ""), pattern.rule_id


@pytest.mark.parametrize(
    "line",
    [
        # visit verb + place of the debtor's (or a relative's) life + what they will do there
        "回头我们去你丈母娘家里坐一坐。",
        "明天我们的人就到你闺女幼儿园门口等着。",
        "我们会天天在你家楼下守着你。",
        "下次直接上门找你邻居问问。",
        # telling verb + someone of the debtor's circle
        "我们会打电话给你们班主任。",
        "到时候我们去跟她领导说说这事。",
        "给你们主任打个电话，让他评评理。",
        # broadcast and shaming
        "把你欠钱的事发到你们同学群里。",
        "让你们小区上上下下都知道。",
        # English classes
        "We will call your employer tomorrow.",
        "I'll come to your house and wait outside.",
    ],
)
def test_threat_classes_generalise(line: str) -> None:
    assert "threat" in said_to_debtor(line)


@pytest.mark.parametrize(
    ("line", "category"),
    [
        ("借钱不还的寄生虫。", "insult"),
        ("You're a worthless liar.", "insult"),
        ("我们代表法院正式通知你。", "impersonation"),
        ("This is the sheriff's office calling about your unpaid loan.", "impersonation"),
        ("公安马上就来把你带走。", "false_consequence"),
        ("明天就把你列入失信名单。", "false_consequence"),
        ("We will garnish your wages starting tomorrow.", "false_consequence"),
        ("减免要交五百的材料费。", "extra_fee"),
        ("直接转到我同事的私人账户上，到账快。", "extra_fee"),
        ("You need to pay a $200 processing fee first.", "extra_fee"),
        ("找你同学借几千块先顶上。", "induce_borrowing"),
        ("Just put it on another credit card and pay us today.", "induce_borrowing"),
    ],
)
def test_synonym_classes_per_category(line: str, category: str) -> None:
    assert category in said_to_debtor(line)


@pytest.mark.parametrize(
    "line",
    [
        "我们会依法安排两名工作人员到您家里拜访，并提前预约。",  # cn-cba-2026/field-visits
        "我们的外访同事会提前预约，两人一起上门核实您的情况。",
        "您可以到您家附近的网点找工作人员办理还款。",
        "您可以联系您的家人帮忙想想办法，但他们没有还款义务。",
        "您要不要先跟家里人商量一下，再给我们回电话？",
        "我们不会去您老家，也不会打扰您父母。",
        "我们绝对不会当着您同事的面谈这件事。",
        "逾期不会坐牢，但法院判决后仍不履行，可能会被列入失信被执行人名单。",
        "请您不要向任何个人账户或二维码付款，只通过官方渠道还款。",
        "We will never contact your employer or your family.",
        "You can tell your family if you want, but we will only talk to you.",
    ],
)
def test_lawful_lines_stay_lawful(line: str) -> None:
    assert said_to_debtor(line) == set()


@pytest.mark.parametrize(
    ("text", "negated"),
    [
        ("我们不会去你单位", True),
        ("我们就不通知你家人", True),
        ("要不要去跟她领导聊聊", False),  # A-not-A question, not a negation
        ("是不是要我们去你单位", False),
        ("你不还的话我们就去你单位", False),  # the negation belongs to the condition
        ("We will not contact your boss", True),
        ("If you don't pay, we will contact your boss", False),  # another clause
    ],
)
def test_negation_scope(text: str, negated: bool) -> None:
    start = next(text.find(w) for w in ("去", "通知", "contact") if w in text)
    assert _negated(text, start) is negated
