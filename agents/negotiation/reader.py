"""Reading the debtor: a deterministic Chinese lexicon layer, and the merge with a model's reading."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, Field

from agents.negotiation.types import EMOTION_RANK, INTENT_PRIORITY, DebtorReading, Emotion, Intent, Vulnerability

LEXICON_FILE = Path(__file__).resolve().parent / "lexicon.yaml"


class Lexicon(BaseModel):
    """Compiled patterns of ``lexicon.yaml``."""

    model_config = {"arbitrary_types_allowed": True}

    intents: dict[Intent, list[re.Pattern[str]]]
    emotions: dict[Emotion, list[re.Pattern[str]]]
    vulnerabilities: dict[Vulnerability, list[re.Pattern[str]]]
    injection: list[re.Pattern[str]] = Field(min_length=1)


@lru_cache(maxsize=1)
def lexicon(path: Path = LEXICON_FILE) -> Lexicon:
    """The lexicon, compiled once."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))

    def compiled(patterns: list[str]) -> list[re.Pattern[str]]:
        return [re.compile(p) for p in patterns]

    return Lexicon(
        intents={k: compiled(v) for k, v in raw["intents"].items()},
        emotions={k: compiled(v) for k, v in raw["emotions"].items()},
        vulnerabilities={k: compiled(v) for k, v in raw["vulnerabilities"].items()},
        injection=compiled(raw["injection"]),
    )


def _hits(patterns: list[re.Pattern[str]], text: str) -> bool:
    return any(p.search(text) for p in patterns)


def injection_spans(text: str) -> list[str]:
    """The passages of ``text`` that try to instruct the system (empty when none)."""
    return [m.group(0) for p in lexicon().injection for m in [p.search(text)] if m]


def read_rules(text: str) -> DebtorReading:
    """The lexicon's reading of one message."""
    lex = lexicon()
    compact = re.sub(r"\s+", "", text)
    intents = [i for i in INTENT_PRIORITY if _hits(lex.intents.get(i, []), compact)]
    if "refusal" in intents and ("hardship" in intents or "promise_to_pay" in intents):
        intents.remove("refusal")  # 不是不还，是没钱 / 现在还不了但月底还: not a refusal
    emotion: Emotion = "calm"
    for candidate in ("angry", "anxious"):
        if _hits(lex.emotions.get(candidate, []), compact):
            emotion = candidate
            break
    vulnerabilities = [v for v, patterns in lex.vulnerabilities.items() if _hits(patterns, compact)]
    return DebtorReading(
        intents=intents, emotion=emotion, vulnerabilities=vulnerabilities, injection=bool(injection_spans(text))
    )


def merge(rules: DebtorReading, model: DebtorReading) -> DebtorReading:
    """Rules and model together: the union of intents and signals, the graver emotion; the model removes nothing."""
    intents = [i for i in INTENT_PRIORITY if i in rules.intents or i in model.intents]
    if (
        "refusal" in intents
        and "refusal" not in rules.intents
        and ("hardship" in intents or "promise_to_pay" in intents)
    ):
        intents.remove("refusal")
    emotion = max((rules.emotion, model.emotion), key=lambda e: EMOTION_RANK[e])
    vulnerabilities = list(dict.fromkeys([*rules.vulnerabilities, *model.vulnerabilities]))
    return DebtorReading(
        intents=intents,
        emotion=emotion,
        vulnerabilities=vulnerabilities,
        injection=rules.injection or model.injection,
        source="rules+model",
    )
