"""Labelled synthetic conversations composed from hand-written fragments: the eval set and the report demo data."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, Field

from core.privacy.synthetic import Synth
from tools.compliance.models import Category, Speaker, Transcript, Turn
from tools.compliance.rules import in_window

FRAGMENTS_FILE = Path(__file__).resolve().parents[2] / "evals" / "suites" / "compliance" / "fragments.yaml"
BANKS = ("华信银行", "东岳银行", "民丰银行", "长河消费金融", "青禾银行")
TEAMS = ("一组", "二组", "三组", "委外A")
CN_TZ = dt.timezone(dt.timedelta(hours=8))
FragmentKind = Literal[
    "opener", "opener_unidentified", "opener_third_party", "sms_signature", "sms_body", "violation", "lawful",
    "lawful_third_party", "debtor", "third_party",
]  # fmt: skip


class Fragment(BaseModel):
    """One hand-written, labelled utterance."""

    kind: FragmentKind
    id: str
    text: str = Field(min_length=1)
    cats: list[Category] = Field(default_factory=list)
    layer: Literal["rule", "model"] | None = None
    context: Literal["debtor", "third_party", "any"] = "any"
    speaker: Literal["agent", "bot"] | None = None


class Label(BaseModel):
    """A violation a conversation is known to contain."""

    category: Category
    turn: int = Field(ge=0)
    layer: Literal["rule", "model"] = Field(description="rule: the rule layer is meant to catch it; model: subtle")


class LabeledConversation(BaseModel):
    """A synthetic conversation and its labels."""

    id: str
    scenario: Literal["debtor_call", "third_party_call", "message"]
    transcript: Transcript
    labels: list[Label]
    fragments: list[str] = Field(description="Fragment ids used, in order")
    at: dt.datetime = Field(description="When the conversation took place (also when its turns carry no timestamps)")


def load_fragments(path: Path = FRAGMENTS_FILE) -> list[Fragment]:
    """Parse and validate a fragment file."""
    return [Fragment.model_validate(row) for row in yaml.safe_load(path.read_text(encoding="utf-8"))]


def _cycle(items: list[Fragment], rng: random.Random) -> Iterator[Fragment]:
    """Every item once (shuffled) before any repeats, so each fragment appears in a large enough set."""
    if not items:
        raise ValueError("a fragment pool is empty")
    while True:
        batch = list(items)
        rng.shuffle(batch)
        yield from batch


class _Composer:
    def __init__(self, fragments: list[Fragment], seed: int) -> None:
        self.rng = random.Random(seed)
        self.synth = Synth(seed)
        pools: dict[str, list[Fragment]] = {}
        for f in fragments:
            key = f.kind if f.kind != "violation" else f"violation:{f.layer}:{f.context}"
            pools.setdefault(key, []).append(f)
        self.pools = {k: _cycle(v, random.Random(f"{seed}:{k}")) for k, v in pools.items()}

    def take(self, key: str) -> Fragment:
        return next(self.pools[key])

    def fill(self, text: str, name: str, bank: str) -> str:
        values = {
            "{name}": name, "{bank}": bank, "{job}": f"{self.rng.randrange(1000, 9999)}",
            "{amount}": f"{self.rng.randrange(3, 400) * 100}元",
            "{date}": f"{self.rng.randrange(1, 13)}月{self.rng.randrange(1, 29)}日",
            "{days}": str(self.rng.randrange(5, 200)), "{other_phone}": self.synth.mobile(),
            "{rid}": self.synth.resident_id(), "{card}": self.synth.bank_card(), "{address}": self.synth.address(),
        }  # fmt: skip
        for key, value in values.items():
            text = text.replace(key, value)
        return text

    def violation_or(self, lawful_key: str, context: str, p: float) -> Fragment:
        if self.rng.random() >= p:
            return self.take(lawful_key)
        layer = "rule" if self.rng.random() < 0.8 else "model"
        return self.take(f"violation:{layer}:{context}")


def _debtor_call(c: _Composer) -> list[tuple[Fragment, Speaker]]:
    opener = c.take("opener" if c.rng.random() < 0.88 else "opener_unidentified")
    collector = Speaker(opener.speaker or "agent")
    seq = [(opener, collector), (c.take("debtor"), Speaker.DEBTOR)]
    for _ in range(c.rng.choice([1, 2, 3])):
        seq.append((c.violation_or("lawful", "debtor", 0.5), collector))
        if c.rng.random() < 0.6:
            seq.append((c.take("debtor"), Speaker.DEBTOR))
    if c.rng.random() < 0.5:
        seq.append((c.take("lawful"), collector))
    return seq


def _third_party_call(c: _Composer) -> list[tuple[Fragment, Speaker]]:
    seq = [(c.take("opener_third_party"), Speaker.AGENT), (c.take("third_party"), Speaker.THIRD_PARTY)]
    seq.append((c.violation_or("lawful_third_party", "third_party", 0.5), Speaker.AGENT))
    if c.rng.random() < 0.5:
        seq.append((c.take("lawful_third_party"), Speaker.AGENT))
    return seq


def _turn_times(c: _Composer, day: dt.date, n: int) -> list[dt.datetime]:
    if c.rng.random() < 0.15:  # inside quiet hours
        minute = c.rng.choice([c.rng.randrange(22 * 60 + 1, 23 * 60 + 55), c.rng.randrange(6 * 60, 7 * 60 + 45)])
    else:
        minute = c.rng.randrange(9 * 60, 20 * 60 + 30)
    at = dt.datetime.combine(day, dt.time(minute // 60, minute % 60, c.rng.randrange(60)), CN_TZ)
    times = []
    for _ in range(n):
        times.append(at)
        at += dt.timedelta(seconds=c.rng.randrange(8, 40))
    return times


def _one(c: _Composer, index: int, start: dt.date, days: int) -> LabeledConversation:
    name = c.synth.name()
    title = f"{name}{c.rng.choice(['先生', '女士'])}"
    bank = c.rng.choice(BANKS)
    roll = c.rng.random()
    labels: list[Label] = []
    if roll < 0.25:
        scenario: Literal["debtor_call", "third_party_call", "message"] = "message"
        channel = c.rng.choice(["sms", "sms", "app", "wechat"])
        signed = c.rng.random() < 0.85
        body = c.violation_or("sms_body", "debtor", 0.45)
        head = c.take("sms_signature") if signed else None
        text = (c.fill(head.text, title, bank) if head else "") + c.fill(body.text, title, bank)
        used = [f.id for f in (head, body) if f is not None]
        speaker = Speaker.BOT if channel != "wechat" else Speaker.AGENT
        turns = [Turn(speaker=speaker, text=text)]
        labels += [Label(category=cat, turn=0, layer=body.layer or "rule") for cat in body.cats]
        if not signed:
            labels.append(Label(category=Category.MISSING_IDENTIFICATION, turn=0, layer="rule"))
    else:
        scenario = "debtor_call" if roll < 0.8 else "third_party_call"
        channel = "call"
        seq = _debtor_call(c) if scenario == "debtor_call" else _third_party_call(c)
        turns = [Turn(speaker=s, text=c.fill(f.text, title, bank)) for f, s in seq]
        used = [f.id for f, _ in seq]
        labels += [
            Label(category=cat, turn=i, layer=f.layer or "rule") for i, (f, _) in enumerate(seq) for cat in f.cats
        ]
    day = start + dt.timedelta(days=c.rng.randrange(days))
    times = _turn_times(c, day, len(turns))
    if c.rng.random() < 0.7:
        turns = [t.model_copy(update={"at": at}) for t, at in zip(turns, times, strict=True)]
        quiet = [i for i, t in enumerate(turns) if t.speaker.is_collector and in_window(times[i], "22:00", "08:00")]
        if quiet:
            labels.append(Label(category=Category.QUIET_HOURS, turn=quiet[0], layer="rule"))
    transcript = Transcript(channel=channel, team=c.rng.choice(TEAMS), turns=turns)
    return LabeledConversation(
        id=f"cv{index:04d}", scenario=scenario, transcript=transcript, labels=labels, fragments=used, at=times[0]
    )


def generate(
    n: int,
    *,
    seed: int = 2026,
    fragments: list[Fragment] | None = None,
    start: dt.date = dt.date(2026, 3, 2),
    days: int = 28,
) -> list[LabeledConversation]:
    """``n`` labelled conversations (debtor calls, third-party calls, messages), the same for the same seed.

    Args:
        n: How many.
        seed: Random seed (fragment order, names, numbers, times).
        fragments: The fragment library; the shipped ``fragments.yaml`` when omitted.
        start: First day of the period the conversations fall in.
        days: Length of that period.
    """
    if n < 0:
        raise ValueError("n must not be negative")
    composer = _Composer(fragments if fragments is not None else load_fragments(), seed)
    return [_one(composer, i, start, days) for i in range(n)]
