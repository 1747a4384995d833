"""PII guard: recognisers, checksums, look-alikes, pseudonyms, masks and the corpus thresholds."""

from __future__ import annotations

import pytest

from core.privacy import EntityType, KnownPII, PIIGuard
from core.privacy.checksums import is_valid_resident_id, luhn_ok
from core.privacy.corpus import add_scores, generate_corpus, score
from core.privacy.synthetic import Synth


@pytest.fixture(scope="module")
def guard() -> PIIGuard:
    return PIIGuard()


def found(guard: PIIGuard, text: str) -> list[tuple[str, str]]:
    return [(e.type.value, text[e.start : e.end]) for e in guard.analyze(text)]


def test_checksums() -> None:
    assert is_valid_resident_id("11010519491231002X")
    assert not is_valid_resident_id("110105194912310021")  # wrong check character
    assert not is_valid_resident_id("99010519491231002X")  # no such province
    assert not is_valid_resident_id("110105194902310028")  # 31 February
    assert luhn_ok("4111111111111111") and not luhn_ok("4111111111111112")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("身份证11010519491231002X。", [("CN_RESIDENT_ID", "11010519491231002X")]),
        ("手机13812345678", [("CN_MOBILE", "13812345678")]),
        ("电话+86 138-1234-5678", [("CN_MOBILE", "+86 138-1234-5678")]),
        ("号码138 1234 5678", [("CN_MOBILE", "138 1234 5678")]),
        ("座机010-62345678转12", [("CN_LANDLINE", "010-62345678转12")]),
        ("卡号4111 1111 1111 1111", [("BANK_CARD", "4111 1111 1111 1111")]),
        ("邮箱zhang.wei@example.com", [("EMAIL_ADDRESS", "zhang.wei@example.com")]),
        ("借款人张伟表示下周还款", [("PERSON", "张伟")]),
        ("联系人欧阳娜娜称", [("PERSON", "欧阳娜娜")]),
        ("王小明先生来电", [("PERSON", "王小明")]),
        (
            "家住浙江省杭州市西湖区文三路88号3栋2单元501室。",
            [("CN_ADDRESS", "浙江省杭州市西湖区文三路88号3栋2单元501室")],
        ),
        ("交易密码是123456", [("CREDENTIAL", "123456")]),
    ],
)
def test_recognisers(guard: PIIGuard, text: str, expected: list[tuple[str, str]]) -> None:
    assert found(guard, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "欠款合计12,345.67元，本金500000元",
        "还款日2023-05-01，20230501，2023年5月1日",
        "案件C000123，合同HT2023010100012345",
        "证件号110105194912310021与原件不符",  # wrong check digit
        "卡号4111111111111112校验失败",  # fails Luhn
        "客户王某未接听",
    ],
)
def test_no_false_hits(guard: PIIGuard, text: str) -> None:
    assert found(guard, text) == []


def test_resident_id_is_not_a_bank_card(guard: PIIGuard) -> None:
    synth = Synth(1)
    for _ in range(200):
        rid = synth.resident_id()
        assert found(guard, f"证件{rid}号") == [("CN_RESIDENT_ID", rid)]


def test_pseudonyms_are_stable_per_thread_and_reversible(guard: PIIGuard) -> None:
    text = "借款人张伟手机13812345678，另一联系人李娜女士手机139 1234 5678"
    first = guard.redact(text, thread_id="thread-a")
    again = guard.redact("张伟的手机是138-1234-5678", thread_id="thread-a", known=KnownPII(names=["张伟"]))
    assert first.text == "借款人<PERSON_1>手机<CN_MOBILE_1>，另一联系人<PERSON_2>女士手机<CN_MOBILE_2>"
    assert again.text == "<PERSON_1>的手机是<CN_MOBILE_1>"
    assert guard.reveal(first.text, "thread-a", may_see_pii=True) == text
    masked = guard.reveal(first.text, "thread-a", may_see_pii=False)
    assert "138****5678" in masked and "张*" in masked and "13812345678" not in masked
    other = guard.redact("借款人赵六", thread_id="thread-b")
    assert other.text == "借款人<PERSON_1>"
    assert guard.reveal("<PERSON_1>", "thread-b", may_see_pii=True) == "赵六"


def test_known_values_match_without_context(guard: PIIGuard) -> None:
    known = KnownPII(names=["司马光"], phones=["+86 13900001111"], resident_ids=["11010519491231002x"])
    text = "司马光说他的号139-0000-1111，证件11010519491231002X"
    kinds = {e.type for e in guard.analyze(text, known)}
    assert kinds == {EntityType.PERSON, EntityType.MOBILE, EntityType.RESIDENT_ID}
    assert "司马光" not in guard.redact(text, known=known).text


def test_masking_mode(guard: PIIGuard) -> None:
    out = guard.mask_text("手机13812345678，卡号4111111111111111，邮箱ab@example.com")
    assert out == "手机138****5678，卡号411111******1111，邮箱a***@example.com"


def test_entities_carry_jrt_class(guard: PIIGuard) -> None:
    entities = guard.analyze("密码123456，手机13812345678")
    assert [(e.type.value, e.jrt_class) for e in entities] == [("CREDENTIAL", "C3"), ("CN_MOBILE", "C2")]
    assert entities[0].model_dump(by_alias=True)["class"] == "C3"


def test_corpus_meets_done_when_thresholds(guard: PIIGuard) -> None:
    corpus = generate_corpus(2000, seed=20260101)
    assert sum(len(n.spans) for n in corpus) >= 2000
    total = None
    for note in corpus:
        s = score([(e.type, e.start, e.end) for e in guard.analyze(note.text)], note.spans)
        total = s if total is None else add_scores(total, s)
    assert total is not None
    for etype in (EntityType.RESIDENT_ID, EntityType.MOBILE, EntityType.BANK_CARD, EntityType.EMAIL):
        assert total[etype].tp > 100
        assert total[etype].recall >= 0.99, etype
        assert total[etype].precision >= 0.98, etype
    # Hard negatives (bad checksums, amounts, dates, case and contract numbers) must not show up anywhere.
    assert all(t.precision >= 0.98 for t in total.values())
