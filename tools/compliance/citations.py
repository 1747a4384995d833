"""Citations of the regulation pack: which pack entry each category and gate rule rests on."""

from __future__ import annotations

from functools import lru_cache

from retrieval.packs import load_pack, pack_files
from tools.compliance.models import Category, Citation

# The pack entry each category cites, per jurisdiction. The US pack only covers contact rules (Reg F), so
# content categories cite the CN rules; see docs/compliance.md.
CATEGORY_RULES: dict[Category, str] = {
    Category.THREAT: "cn-cba-2026/no-threats",
    Category.INSULT: "cn-cba-2026/no-threats",
    Category.IMPERSONATION: "cn-cbirc-consumer-2023/no-impersonation",
    Category.FALSE_CONSEQUENCE: "cn-cba-2026/no-threats",
    Category.THIRD_PARTY_DISCLOSURE: "cn-nifa-standard-2025/contacts-no-disclosure",
    Category.EXTRA_FEE: "cn-cba-2026/no-extra-fees",
    Category.INDUCE_BORROWING: "cn-cba-2026/no-new-borrowing",
    Category.PRIVACY_LEAK: "cn-cba-2026/no-privacy-leaks",
    Category.QUIET_HOURS: "cn-nifa-standard-2025/quiet-hours",
    # No pack entry states the duty to identify oneself; the whitelist entry is the closest (callers' identity
    # must be checkable). Reported as a pack gap in docs/compliance.md.
    Category.MISSING_IDENTIFICATION: "cn-cba-2026/agency-whitelist",
}
US_OVERRIDES: dict[Category, str] = {Category.QUIET_HOURS: "us-reg-f/1006.6b1i"}


class UnknownRuleError(KeyError):
    """A rule id that is not in the regulation pack."""


@lru_cache(maxsize=1)
def pack_index() -> dict[str, Citation]:
    """Every regulation entry of the shipped packs by '<pack id>/<entry id>'."""
    index: dict[str, Citation] = {}
    for path in pack_files():
        doc = load_pack(path)
        if doc.collection != "regulations":
            continue
        for entry in doc.entries:
            index[f"{doc.id}/{entry.id}"] = Citation(
                rule=f"{doc.id}/{entry.id}",
                title=entry.title,
                document=doc.short_title or doc.title,
                verified=doc.verified and entry.article_verified,
            )
    return index


def cite(rule: str) -> Citation:
    """The citation of pack entry ``rule``.

    Raises:
        UnknownRuleError: the pack has no such entry.
    """
    try:
        return pack_index()[rule]
    except KeyError as exc:
        raise UnknownRuleError(rule) from exc


def cite_category(category: Category, jurisdiction: str = "CN") -> Citation:
    """The citation for a finding of ``category`` under ``jurisdiction``."""
    if jurisdiction == "US" and category in US_OVERRIDES:
        return cite(US_OVERRIDES[category])
    return cite(CATEGORY_RULES[category])
