"""The rule layer: what it finds, what it must not find, and how it reports what it could not check."""

from __future__ import annotations

import pytest

from core.domain import CaseFile
from tests.test_compliance.conftest import make_case
from tools.compliance.models import Category, Transcript
from tools.compliance.review import UnknownJurisdictionError, merge_findings, review

OPENER = "您好，我是华信银行信用卡中心的工作人员，工号1234。"


def call(*turns: tuple[str, str] | tuple[str, str, str], channel: str = "call", **extra: object) -> Transcript:
    rows = [{"speaker": t[0], "text": t[1], **({"at": t[2]} if len(t) == 3 else {})} for t in turns]
    return Transcript.model_validate({"channel": channel, "turns": rows, **extra})


def cats(result) -> set[tuple[str, int]]:  # type: ignore[no-untyped-def]
    return {(f.category.value, f.turn) for f in result.findings}


@pytest.mark.parametrize(
    ("line", "category"),
    [
        ("再不还钱，我让人打断你的腿。", "threat"),
        ("你这个老赖，借钱的时候怎么不说没钱？", "insult"),
        ("我是朝阳区人民法院的，你的案子已经到我们这里了。", "impersonation"),
        ("你再不还，就是诈骗，要坐牢的。", "false_consequence"),
        ("除了欠款，你还得另外交五百块催收费。", "extra_fee"),
        ("你去网贷平台借一笔，先把我们这个还了。", "induce_borrowing"),
        ("你老婆的电话是13912345678，要不我直接打给她？", "privacy_leak"),
        ("You will go to jail if you do not pay this week.", "false_consequence"),
    ],
)
def test_each_category_fires_on_a_collector_turn(line: str, category: str) -> None:
    result = review(call(("agent", OPENER), ("debtor", "嗯。"), ("agent", line)))
    assert result.verdict == "fail"
    assert (category, 2) in cats(result)
    finding = next(f for f in result.findings if f.category.value == category)
    assert finding.quote in line and finding.rule_id.startswith(category) or finding.rule_id.startswith("privacy")
    assert finding.citation.rule.count("/") == 1 and finding.citation.title


@pytest.mark.parametrize(
    "line",
    [
        "根据合同约定，逾期期间会按日计收罚息。",
        "逾期信息会按规定报送人民银行征信系统，请您重视。",
        "如果一直协商不成，银行可能会依法向法院提起诉讼。",
        "经法院判决后，银行可以依法申请强制执行。",
        "我们绝不会向您收取任何催收费用。",
        "这笔欠款不会让您坐牢，但会影响征信。",
        "我们不是骗子，您可以拨打官方客服电话核实我的工号。",
        "我们不建议您借新还旧，那样只会让负担更重。",
        "请勿向任何个人账户转账，只认官方还款渠道。",
        "Per your contract, late fees apply, and the account may be reported to the credit bureau.",
    ],
)
def test_lawful_firm_statements_pass(line: str) -> None:
    result = review(call(("agent", OPENER), ("agent", line)))
    assert result.verdict == "pass", result.findings


def test_only_collector_turns_can_violate() -> None:
    result = review(
        call(
            ("agent", OPENER),
            ("debtor", "你们这帮骗子，再打电话我弄死你们！我老婆的电话是13912345678。"),
            ("third_party", "他欠你们钱关我什么事，滚蛋。"),
        )
    )
    assert result.verdict == "pass" and result.findings == []
    assert any(p.type == "CN_MOBILE" and not p.disclosed_by_collector for p in result.pii)
    assert all("13912345678" not in p.masked for p in result.pii)


def test_bot_turns_are_reviewed_like_agent_turns() -> None:
    result = review(call(("bot", "我是华信银行的智能语音助手。你给我等着，有你好受的。")))
    assert ("threat", 0) in cats(result)


def test_third_party_disclosure_depends_on_who_listens() -> None:
    to_third = call(
        ("agent", OPENER), ("third_party", "他不在，我是他同事。"), ("agent", "他的贷款逾期了，您知道他在哪吗？")
    )
    assert ("third_party_disclosure", 2) in cats(review(to_third))
    to_debtor = call(("agent", OPENER), ("debtor", "是我。"), ("agent", "您的贷款逾期了，请尽快还款。"))
    assert review(to_debtor).verdict == "pass"
    lawful = call(("agent", OPENER), ("third_party", "他不在。"), ("agent", "好的，麻烦您转告他回个电话，谢谢。"))
    assert review(lawful).verdict == "pass"


def test_quiet_hours_from_timestamps_and_the_debtors_offset() -> None:
    late = call(("agent", OPENER, "2026-03-02T22:10:00+08:00"), ("debtor", "嗯", "2026-03-02T22:10:20+08:00"))
    result = review(late)
    assert cats(result) == {("quiet_hours", 0)}
    assert result.findings[0].citation.rule == "cn-nifa-standard-2025/quiet-hours"
    # 14:10 UTC is 22:10 in Beijing but 20:10 for a debtor at +06:00.
    utc = call(("agent", OPENER, "2026-03-02T14:10:00+00:00"))
    assert cats(review(utc, case=make_case())) == {("quiet_hours", 0)}
    west = make_case(debtor=make_case().debtor.model_copy(update={"utc_offset_min": 360}))
    assert review(utc, case=west).verdict == "pass"
    # US: 21:30 is already inconvenient.
    us = call(("agent", OPENER, "2026-03-02T21:30:00-05:00"))
    assert review(us).verdict == "pass"
    us_result = review(us, jurisdiction="US")
    assert us_result.findings[0].citation.rule == "us-reg-f/1006.6b1i"


def test_missing_timestamps_are_documented_not_guessed() -> None:
    result = review(call(("agent", OPENER), ("debtor", "嗯")))
    assert result.verdict == "pass"
    assert any("quiet_hours not checked" in n for n in result.notes)
    partly = review(call(("agent", OPENER, "2026-03-02T10:00:00+08:00"), ("agent", "好的")))
    assert any("1 of 2" in n for n in partly.notes)


def test_missing_identification_on_calls_and_messages() -> None:
    assert ("missing_identification", 0) in cats(
        review(call(("agent", "喂，张先生是吧？"), ("agent", "钱什么时候还？")))
    )
    assert review(call(("agent", "喂？"), ("agent", OPENER))).verdict == "pass"  # identified in the second turn
    sms = call(("bot", "您的账单已逾期，请尽快还款。"), channel="sms")
    assert ("missing_identification", 0) in cats(review(sms))
    assert review(call(("bot", "【华信银行】您的账单已逾期，请尽快还款。"), channel="sms")).verdict == "pass"
    excerpt = call(("agent", "您的账单已逾期，请尽快还款。"), complete=False)
    excerpt_result = review(excerpt)
    assert excerpt_result.verdict == "pass" and any("incomplete" in n for n in excerpt_result.notes)


def test_privacy_leak_tells_the_debtors_own_number_from_others(case: CaseFile) -> None:
    own = call(("agent", OPENER), ("agent", f"请问{case.debtor.phones[0]}是您本人的号码吗？"), case_id=case.id)
    assert review(own, case=case).verdict == "pass"
    contact = case.debtor.contacts[0].phone
    other = call(("agent", OPENER), ("agent", f"我们会打{contact}找人。"), case_id=case.id)
    result = review(other, case=case)
    assert ("privacy_leak", 1) in cats(result)
    assert any(p.disclosed_by_collector and p.masked == "139****4321" for p in result.pii)
    rid = call(("agent", OPENER), ("agent", f"你的身份证号{case.debtor.resident_id}我们都有。"))
    assert ("privacy_leak", 1) in cats(review(rid))


def test_mixed_languages_use_both_lexicons() -> None:
    result = review(call(("agent", OPENER), ("agent", "You are such a loser，欠钱不还还要不要脸？")))
    assert {f.rule_id for f in result.findings} == {"insult.slur"} or ("insult", 1) in cats(result)


def test_findings_are_deduplicated_per_category_and_turn() -> None:
    result = review(call(("agent", OPENER), ("agent", "你给我等着，我让人打断你的腿，弄死你。")))
    assert [f.category for f in result.findings].count(Category.THREAT) == 1
    merged = merge_findings(result.findings, result.findings)
    assert merged == result.findings


def test_bad_input_is_refused_clearly(case: CaseFile) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        Transcript.model_validate({"channel": "call", "turns": []})
    with pytest.raises(ValueError, match="speaker"):
        Transcript.model_validate({"channel": "call", "turns": [{"speaker": "boss", "text": "x"}]})
    with pytest.raises(ValueError, match="UTC offset"):
        Transcript.model_validate(
            {"channel": "call", "turns": [{"speaker": "agent", "text": "x", "at": "2026-03-02T10:00"}]}
        )
    with pytest.raises(ValueError, match="characters"):
        Transcript.model_validate({"channel": "call", "turns": [{"speaker": "agent", "text": "啊" * 15_000}] * 70})
    with pytest.raises(UnknownJurisdictionError):
        review(call(("agent", OPENER)), jurisdiction="EU")
    with pytest.raises(ValueError, match="case"):
        review(call(("agent", OPENER), case_id="C999"), case=case)


@pytest.mark.parametrize(
    ("line", "rule"),
    [
        ("去你单位找你领导，让你身败名裂。", "cn-cba-2026/no-threats"),
        ("我们会派人去你父母家里坐着，直到你还钱为止。", "cn-cba-2026/no-threats"),
        ("再不还，我们就把你的事告诉你们老板，看你还能不能干下去。", "cn-cba-2026/no-third-parties"),
        ("你们领导的电话我们已经有了，你自己看着办吧。", "cn-cba-2026/no-third-parties"),
        ("你要脸的话就赶紧还，不然让你名声扫地。", "cn-cba-2026/no-public-notice"),
        ("让你全公司的人都知道你欠债不还。", "cn-cba-2026/no-public-notice"),
    ],
)
def test_workplace_family_and_shaming_threats(line: str, rule: str) -> None:
    result = review(call(("agent", OPENER), ("debtor", "嗯。"), ("agent", line)))
    found = [f for f in result.findings if f.turn == 2]
    assert [f.category.value for f in found] == ["threat"], found
    assert found[0].citation.rule == rule and found[0].quote in line
    # the same words from the debtor are not a finding
    assert review(call(("agent", OPENER), ("debtor", line))).verdict == "pass"


@pytest.mark.parametrize(
    "line",
    [
        "如果一直联系不上您，我们可能会依法安排两名工作人员上门核实情况。",  # cn-cba-2026/field-visits
        "我们可能会依法上门核实。",
        "上门拜访会由两名工作人员进行，并出示工作证件。",
        "我们不会联系您的单位，也不会告诉您的领导。",
        "请问您现在还在原来的单位上班吗？方便的话更新一下联系方式。",
        "您如果在公司不方便接电话，可以告诉我什么时间打给您。",
    ],
)
def test_lawful_visits_and_workplace_questions_pass(line: str) -> None:
    result = review(call(("agent", OPENER), ("agent", line)))
    assert result.verdict == "pass", result.findings


def test_telling_the_debtor_about_their_boss_is_not_a_third_party_disclosure() -> None:
    # said to the debtor: a threat about the employer, not a disclosure of a relative's debt
    result = review(call(("agent", OPENER), ("debtor", "嗯。"), ("agent", "我们会去你公司找你领导聊聊你欠钱的事。")))
    assert {f.category.value for f in result.findings} == {"threat"}
