"""The rule layer's lexicon: named, explainable patterns loaded once from ``lexicon.yaml``."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, Field

from tools.compliance.models import Category, Severity

LEXICON_FILE = Path(__file__).with_name("lexicon.yaml")

# Characters that end a clause: negations and exceptions are looked for inside the clause of a match only.
CLAUSE_END = "，。！？；,.!?;\n"
NEGATION = re.compile(
    r"不会|不得|不能|不要|没有|绝不|决不|不用|无需|不需要|从不|并不|不是|并非|不收|不存在|禁止|不可能|不建议|不涉及|未曾|勿"
)
NEGATION_WINDOW = 10
MACROS = {
    "{G}": r"[^，。！？；,.!?;\n]",
    "{KIN}": (
        r"(?:家人|老婆|老公|妻子|丈夫|爱人|孩子|小孩|儿子|女儿|父母|爸妈|爸爸|妈妈|父亲|母亲|全家|家里人|"
        r"亲戚|朋友|同事|领导|老板|邻居|兄弟|姐妹|哥哥|弟弟|姐姐|妹妹)"
    ),
    "{CONTRACT}": r"合同(?:约定|规定|第|条款|里|中)|按(?:照)?(?:借款)?合同|依(?:照|据)?合同|协议约定",
}

Context = Literal["any", "third_party"]


class PatternSpec(BaseModel):
    """One entry of ``lexicon.yaml``."""

    id: str = Field(pattern=r"^[a-z_]+\.[a-z0-9_]+$")
    category: Category
    severity: Severity
    meaning: str
    regex: list[str] = Field(min_length=1)
    negatable: bool = True
    unless: str | None = None
    context: Context = "any"
    cite: str | None = None


def expand(regex: str) -> str:
    """Replace the lexicon's macros ({G}, {KIN}, {CONTRACT}) by their regular expressions."""
    for name, value in MACROS.items():
        regex = regex.replace(name, value)
    return regex


@dataclass(frozen=True)
class Pattern:
    """A compiled lexicon entry."""

    rule_id: str
    category: Category
    severity: Severity
    meaning: str
    regex: str
    negatable: bool = True
    """A negation right before the match (我们不会收取催收费) cancels it."""
    unless: str | None = None
    """Found in the same clause, it makes the match lawful (按合同约定 ...)."""
    context: Context = "any"
    """third_party: only when the collector is talking to a third party."""
    rule: str | None = None
    """Pack entry to cite instead of the category's default."""
    compiled: re.Pattern[str] = field(init=False, repr=False, compare=False)
    compiled_unless: re.Pattern[str] | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "compiled", re.compile(self.regex))
        object.__setattr__(self, "compiled_unless", re.compile(self.unless) if self.unless else None)


def load_lexicon(path: Path = LEXICON_FILE) -> tuple[Pattern, ...]:
    """Parse, validate and compile a lexicon file.

    Raises:
        pydantic.ValidationError: an entry does not match the schema.
        re.error: a regular expression does not compile.
    """
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    specs = [PatternSpec.model_validate(item) for item in raw["patterns"]]
    return tuple(
        Pattern(
            rule_id=s.id,
            category=s.category,
            severity=s.severity,
            meaning=s.meaning,
            regex=expand("|".join(s.regex)),
            negatable=s.negatable,
            unless=expand(s.unless) if s.unless else None,
            context=s.context,
            rule=s.cite,
        )
        for s in specs
    )


@lru_cache(maxsize=1)
def patterns() -> tuple[Pattern, ...]:
    """The shipped lexicon, compiled once."""
    return load_lexicon()
