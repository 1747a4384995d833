"""PII the collector disclosed: the guard finds it, the rules decide whether saying it was a leak."""

from __future__ import annotations

import re

from core.domain import CaseFile
from core.privacy import EntityType, KnownPII, PIIGuard
from core.privacy.vault import mask
from tools.compliance.citations import cite_category
from tools.compliance.lexicon import expand
from tools.compliance.models import Category, Finding, PIIHit, Severity, Speaker, Transcript
from tools.compliance.rules import addressees

ALWAYS_LEAK = frozenset({EntityType.RESIDENT_ID, EntityType.BANK_CARD, EntityType.CREDENTIAL})
"""Never read out in full, whoever listens (JR/T 0171-2020 C2/C3 identity and authentication data)."""
CONTACT_TYPES = frozenset({EntityType.MOBILE, EntityType.LANDLINE, EntityType.EMAIL, EntityType.ADDRESS})
"""A leak when told to a third party, or when they are not the debtor's own (known only with the case)."""
OTHER_OWNER = re.compile(
    expand(
        r"(?:{KIN}|紧急联系人|担保人|联系人|他|她)的?(?:电话|手机号?|号码|住址|地址|微信)|"
        r"(?i:\b(?:wife|husband|mother|father|mom|dad|boss|colleague|friend|sister|brother|reference)'s "
        r"(?:number|phone|address)\b)"
    )
)
"""Words that say whose number or address follows: someone other than the debtor."""


def _digits(value: str) -> str:
    digits = re.sub(r"\D", "", value)
    return digits[2:] if len(digits) == 13 and digits.startswith("86") else digits


def _debtor_owns(etype: EntityType, value: str, case: CaseFile) -> bool:
    if etype in (EntityType.MOBILE, EntityType.LANDLINE):
        return _digits(value) in {_digits(p) for p in case.debtor.phones}
    if etype is EntityType.ADDRESS:
        own = case.debtor.address
        return value in own or own in value
    return False


def _is_leak(etype: EntityType, value: str, to: Speaker, case: CaseFile | None, other_owner: bool) -> bool:
    if etype in ALWAYS_LEAK:
        return True
    if etype not in CONTACT_TYPES:
        return False
    if to is Speaker.THIRD_PARTY:
        return True
    if case is not None:
        return not _debtor_owns(etype, value, case)
    return other_owner


def pii_review(
    transcript: Transcript, *, guard: PIIGuard, case: CaseFile | None = None
) -> tuple[list[Finding], list[PIIHit]]:
    """Masked PII of every turn, and a privacy_leak finding for each collector turn that disclosed some.

    Raises:
        core.privacy.RedactionError: the guard could not analyse a turn.
    """
    known = KnownPII.from_case(case) if case is not None else None
    to = addressees(transcript)
    hits: list[PIIHit] = []
    findings: list[Finding] = []
    for index, turn in enumerate(transcript.turns):
        leaked = False
        other_owner = turn.speaker.is_collector and OTHER_OWNER.search(turn.text) is not None
        for entity in guard.analyze(turn.text, known):
            value = turn.text[entity.start : entity.end]
            collector = turn.speaker.is_collector
            hits.append(
                PIIHit(
                    turn=index,
                    speaker=turn.speaker,
                    type=entity.type.value,
                    masked=mask(entity.type, value),
                    disclosed_by_collector=collector,
                )
            )
            if collector and not leaked and _is_leak(entity.type, value, to[index], case, other_owner):
                leaked = True
                findings.append(
                    Finding(
                        category=Category.PRIVACY_LEAK,
                        rule_id=f"privacy_leak.pii_{entity.type.value.lower()}",
                        severity=Severity.HIGH,
                        turn=index,
                        quote=value,
                        citation=cite_category(Category.PRIVACY_LEAK),
                        explanation=f"the collector read out a {entity.type.value} "
                        + ("to a third party" if to[index] is Speaker.THIRD_PARTY else "that must not be disclosed"),
                    )
                )
    return findings, hits
