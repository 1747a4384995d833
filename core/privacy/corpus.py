"""A seeded, labeled corpus of synthetic collection notes, and per-type precision and recall of the guard."""

from __future__ import annotations

import re
from collections.abc import Iterable

from pydantic import BaseModel, Field

from core.privacy.entities import EntityType
from core.privacy.synthetic import Synth

# Positive slots name an entity type; negative slots are hard look-alikes that must stay untouched.
_POSITIVE = {
    "name": EntityType.PERSON,
    "mobile": EntityType.MOBILE,
    "landline": EntityType.LANDLINE,
    "id": EntityType.RESIDENT_ID,
    "card": EntityType.BANK_CARD,
    "email": EntityType.EMAIL,
    "address": EntityType.ADDRESS,
}
_NEGATIVE = ("amount", "date", "case", "contract", "bad_id", "bad_card")

TEMPLATES = (
    "借款人{name}于{date}来电，承诺{date}前还款{amount}。",
    "今日致电{mobile}，接通后{name}先生表示资金紧张，案件{case}转入协商。",
    "联系人{name}女士称借款人已搬家，新号码{mobile}。",
    "客户身份证号{id}，合同{contract}，逾期本金{amount}。",
    "还款账户卡号{card}，户名{name}，请核对。",
    "客户提供的卡号{bad_card}校验未通过，需重新确认。",
    "系统记录证件号{bad_id}与原件不符，已提交核查。",
    "借款人邮箱{email}，已发送还款提醒，案件编号{case}。",
    "家住{address}，上门走访未遇本人。",
    "单位座机{landline}，前台称{name}经理出差。",
    "担保人{name}手机{mobile}，身份证{id}，住址{address}。",
    "{date}短信提醒已送达，欠款合计{amount}，合同号{contract}。",
    "客户要求把材料寄到{address}，邮箱{email}也可以。",
    "备用电话{landline}无人接听，{date}再拨{mobile}。",
    "代扣卡{card}余额不足，扣款{amount}失败。",
    "案件{case}：本金{amount}，利息{amount}，罚息{amount}，截至{date}。",
    # Harder: names without a cue word, numbers run together with a slash.
    "{name}说下个月发工资后再还{amount}。",
    "与{name}通话，对方称号码{mobile}/{landline}均可联系。",
)


class LabeledSpan(BaseModel):
    """A gold entity."""

    type: EntityType
    start: int = Field(ge=0)
    end: int = Field(ge=0)


class LabeledText(BaseModel):
    """A synthetic note and its gold entities."""

    text: str
    spans: list[LabeledSpan]


class TypeScore(BaseModel):
    """Exact-span precision and recall for one entity type."""

    type: EntityType
    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        """TP / (TP + FP); 1.0 when nothing was predicted."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        """TP / (TP + FN); 1.0 when there was nothing to find."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


_SLOT = re.compile(r"\{(\w+)\}")


def _fill(template: str, synth: Synth) -> tuple[str, list[LabeledSpan]]:
    out: list[str] = []
    spans: list[LabeledSpan] = []
    pos = 0
    length = 0
    for match in _SLOT.finditer(template):
        literal = template[pos : match.start()]
        out.append(literal)
        length += len(literal)
        slot = match.group(1)
        value = _value(slot, synth)
        if slot in _POSITIVE:
            spans.append(LabeledSpan(type=_POSITIVE[slot], start=length, end=length + len(value)))
        out.append(value)
        length += len(value)
        pos = match.end()
    out.append(template[pos:])
    return "".join(out), spans


def _value(slot: str, synth: Synth) -> str:
    makers = {
        "name": synth.name, "mobile": synth.mobile, "landline": synth.landline, "id": synth.resident_id,
        "card": synth.bank_card, "email": synth.email, "address": synth.address, "amount": synth.amount,
        "date": synth.date, "case": synth.case_id, "contract": synth.contract_no, "bad_id": synth.bad_resident_id,
        "bad_card": synth.bad_bank_card,
    }  # fmt: skip
    if slot not in makers:
        raise KeyError(f"unknown slot {slot!r}")
    return makers[slot]()


def generate_corpus(min_entities: int, *, seed: int = 7, sentences_per_note: int = 3) -> list[LabeledText]:
    """Notes of a few templated sentences each, until at least ``min_entities`` gold entities exist."""
    synth = Synth(seed)
    notes: list[LabeledText] = []
    total = 0
    while total < min_entities:
        text = ""
        spans: list[LabeledSpan] = []
        for _ in range(sentences_per_note):
            sentence, sentence_spans = _fill(synth.rng.choice(TEMPLATES), synth)
            spans.extend(
                s.model_copy(update={"start": s.start + len(text), "end": s.end + len(text)}) for s in sentence_spans
            )
            text += sentence
        notes.append(LabeledText(text=text, spans=spans))
        total += len(spans)
    return notes


def synthetic_notes(total_chars: int, *, seed: int = 11) -> Iterable[str]:
    """Unlabeled notes until about ``total_chars`` characters have been produced (for throughput runs)."""
    synth = Synth(seed)
    produced = 0
    while produced < total_chars:
        note = "".join(_fill(synth.rng.choice(TEMPLATES), synth)[0] for _ in range(4))
        produced += len(note)
        yield note


def score(predicted: Iterable[tuple[EntityType, int, int]], gold: Iterable[LabeledSpan]) -> dict[EntityType, TypeScore]:
    """Exact-span matching of one text's predictions against its gold spans, per type."""
    pred = set(predicted)
    truth = {(g.type, g.start, g.end) for g in gold}
    out: dict[EntityType, TypeScore] = {}
    for etype in EntityType:
        p = {x for x in pred if x[0] is etype}
        t = {x for x in truth if x[0] is etype}
        out[etype] = TypeScore(type=etype, tp=len(p & t), fp=len(p - t), fn=len(t - p))
    return out


def add_scores(a: dict[EntityType, TypeScore], b: dict[EntityType, TypeScore]) -> dict[EntityType, TypeScore]:
    """Sum two per-type score tables."""
    return {k: TypeScore(type=k, tp=a[k].tp + b[k].tp, fp=a[k].fp + b[k].fp, fn=a[k].fn + b[k].fn) for k in a}
