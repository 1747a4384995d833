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
    r"不会|不得|不能|不要|没有|绝不|决不|不用|无需|不需要|从不|并不|不是|并非|不收|不存在|禁止|不可能|不建议|不涉及|未曾|勿|不$|没$|别$|"
    r"(?i:\b(?:not|never|no|won't|don't|doesn't|can't|cannot|wouldn't|shouldn't)\b)"
)
NEGATION_WINDOW = 12
"""Characters before a match searched for a negation (Chinese); English clauses get ENGLISH_NEGATION_WINDOW."""
ENGLISH_NEGATION_WINDOW = 40
NOT_A_NEGATION = re.compile(r"(.)不\1|有没有|不要以为|要不然")
"""Look like negations but are not: A-not-A questions (要不要, 会不会, 是不是), 不要以为 (rhetorical), 要不然."""
CONDITION_END = re.compile(r"就|便|的话|否则|那么|到时候?|(?i:\b(?:or|otherwise|then|unless|if)\b)")
"""A negation before these belongs to the condition (你不还的话，我们就…), not to what follows."""
_WHOSE = r"(?:你|您|他|她)(?:们)?(?:的)?"
_KIN = (
    r"(?:家人|家里人|家属|老婆|老公|媳妇|妻子|丈夫|爱人|对象|孩子|小孩|儿子|女儿|闺女|父母|爸妈|爸爸|妈妈|父亲|母亲|"
    r"老丈人|丈母娘|岳父|岳母|公公|婆婆|女婿|儿媳|爷爷|奶奶|外公|外婆|姥姥|姥爷|全家|亲戚|朋友|同学|同事|工友|领导|老板|"
    r"邻居|兄弟|姐妹|哥哥|弟弟|姐姐|妹妹|舅舅|叔叔|阿姨|爸|妈|哥|姐|弟|妹)"
)
MACROS = {
    "{G}": r"[^，。！？；,.!?;\n]",
    "{WHOSE}": _WHOSE,
    "{KIN}": _KIN,
    # People at work, school or around the home whom a collector must not pressure the debtor through.
    "{CIRCLE}": (
        r"(?:领导|老板|上司|主管|经理|主任|人事(?:部)?|HR|同事|工友|班主任|老师|校长|村委会?|居委会?|村支书|村长|"
        r"物业|邻居|街坊|{KIN})"
    ),
    # Places of the debtor's life: work, home, family, school, neighbourhood.
    "{PLACE}": (
        r"(?:工作单位|单位|公司|厂里|工厂|工地|店里|医院|学校|幼儿园|班上|老家|家里|家门口|家|小区|楼下|门口|村里|村口|"
        r"宿舍|住处|那儿|那里|那边|上班的地方|工作的地方)"
    ),
    # What a harasser does there.
    "{PRESS}": (
        r"(?:找|闹|堵|等|守|蹲|坐|住|拉横幅|喷漆|泼|贴|说说|反映|聊|谈|问|打听|走一趟|转转|拜访|要钱|讨债|催|接)"
    ),
    # Telling or involving a third party.
    "{TELL}": r"(?:告诉|通知|联系|找|打电话给|打给|打电话到|反映给|知会|通报|问问|找到)",
    # Places to broadcast someone's debt.
    "{BROADCAST}": (
        r"(?:朋友圈|微信群|家族群|业主群|同学群|工作群|群里|通讯录|所有联系人|所有(?:微信)?好友|微信好友|亲友|网上|微博|"
        r"抖音|快手|小区|村里|村口|单位|门口|公告栏)"
    ),
    # Lawful field visit (cn-cba-2026/field-visits): two staff, by appointment, to verify, showing ID.
    "{LAWFUL_VISIT}": r"两名|两人|两位|提前|预约|约定|依法|依规|按规定|核实|出示|证件|工作证",
    "{CONTRACT}": (
        r"合同(?:约定|规定|第|条款|里|中)|按(?:照)?(?:借款)?合同|依(?:照|据)?合同|协议约定|"
        r"(?i:\b(?:per|under|in) (?:your|the) (?:contract|agreement)\b)"
    ),
    # English: someone close to the debtor.
    "{EN_CIRCLE}": (
        r"(?:boss|employer|manager|supervisor|hr|human resources|co-?workers?|colleagues?|workplace|office|job|family|"
        r"wife|husband|spouse|parents?|mother|father|mom|dad|kids?|children|son|daughter|neighbou?rs?|friends?|"
        r"relatives|school|church|landlord)"
    ),
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
    """Replace the lexicon's macros ({G}, {KIN}, {PLACE}, ...) by their regular expressions (macros may nest)."""
    for _ in range(3):
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
