"""Presidio recognisers for mainland-China PII: precompiled regexes plus checksums, no NLP model needed."""

from __future__ import annotations

import re
from collections.abc import Iterator

from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from core.privacy.checksums import is_valid_resident_id, luhn_ok
from core.privacy.entities import EntityType
from core.privacy.lexicon import (
    ADDRESS_LEADING_CUES,
    COMPOUND_SURNAMES,
    CREDENTIAL_CUES,
    NAME_PREFIX_CUES,
    NAME_STOP_CHARS,
    NAME_SUFFIX_CUES,
    PROVINCES,
    SINGLE_SURNAMES,
)

LANGUAGE = "zh"
_EDGE_L = r"(?<![0-9A-Za-z])"
_EDGE_R = r"(?![0-9A-Za-z])"
_HAN = "\u4e00-\u9fff"


def _alt(words: tuple[str, ...] | frozenset[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


Span = tuple[int, int, float]


class RegexRecognizer(EntityRecognizer):
    """A recogniser built on one precompiled regex and a validation step that may reject or trim a match."""

    ENTITY: EntityType
    PATTERN: re.Pattern[str]
    name: str
    SCORE: float = 0.85

    def __init__(self) -> None:
        super().__init__(supported_entities=[self.ENTITY.value], name=type(self).__name__, supported_language=LANGUAGE)

    def load(self) -> None:
        """Nothing to load: the pattern is compiled at import."""

    def spans(self, text: str) -> Iterator[Span]:
        """Yield ``(start, end, score)`` for every accepted match."""
        for match in self.PATTERN.finditer(text):
            span = self.validate(match)
            if span is not None:
                yield span

    def validate(self, match: re.Match[str]) -> Span | None:
        """Accept a match as it is; subclasses check digits or trim."""
        return match.start(), match.end(), self.SCORE

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        """Presidio entry point: every accepted match as a ``RecognizerResult``."""
        if entities and self.ENTITY.value not in entities:
            return []
        meta = {RecognizerResult.RECOGNIZER_NAME_KEY: self.name, RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id}
        return [
            RecognizerResult(self.ENTITY.value, start, end, score, recognition_metadata=meta)
            for start, end, score in self.spans(text)
        ]


class ResidentIdRecognizer(RegexRecognizer):
    """18-character resident ID: GB/T 2260 region, a real birth date and the GB 11643 check character."""

    ENTITY = EntityType.RESIDENT_ID
    PATTERN = re.compile(_EDGE_L + r"\d{17}[\dXx]" + _EDGE_R)
    SCORE = 1.0

    def validate(self, match: re.Match[str]) -> Span | None:
        """Keep only IDs whose region, birth date and check character are right."""
        return (match.start(), match.end(), self.SCORE) if is_valid_resident_id(match.group()) else None


class MobileRecognizer(RegexRecognizer):
    """Mainland mobile numbers, with ``+86``/``0086`` and space or dash separators."""

    ENTITY = EntityType.MOBILE
    PATTERN = re.compile(_EDGE_L + r"(?:(?:\+|00)86[\s-]?|86-)?1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}" + _EDGE_R)
    SCORE = 0.9


class LandlineRecognizer(RegexRecognizer):
    """Landlines with an area code (010, 02x or a four-digit code), optional brackets and extension."""

    ENTITY = EntityType.LANDLINE
    PATTERN = re.compile(
        r"(?<![0-9A-Za-z(（])(?:[(（]0(?:10|2\d|[3-9]\d{2})[)）]\s?|0(?:10|2\d|[3-9]\d{2})[\s-]?)"
        r"[2-9]\d{6,7}(?:(?:-|转)\d{1,5})?" + _EDGE_R
    )
    SCORE = 0.75

    def validate(self, match: re.Match[str]) -> Span | None:
        """Refuse digit runs that are really a longer number with a zero in front (e.g. account numbers)."""
        digits = sum(ch.isdigit() for ch in match.group())
        return (match.start(), match.end(), self.SCORE) if digits <= 17 else None


class BankCardRecognizer(RegexRecognizer):
    """Bank cards: 16 to 19 digits (grouped or not) passing Luhn, and not a valid resident ID."""

    ENTITY = EntityType.BANK_CARD
    PATTERN = re.compile(_EDGE_L + r"[3-6]\d{3}(?:[\s-]?\d{4}){3}(?:[\s-]?\d{1,3})?" + _EDGE_R)
    SCORE = 0.95

    def validate(self, match: re.Match[str]) -> Span | None:
        """Luhn on the digits; an 18-digit value that is a valid resident ID is left to that recogniser."""
        raw = match.group()
        digits = re.sub(r"[\s-]", "", raw)
        if not 16 <= len(digits) <= 19 or is_valid_resident_id(digits):
            return None
        if luhn_ok(digits):
            return match.start(), match.end(), self.SCORE
        # A 16-digit card followed by a short unrelated number ("... 1234 5"): retry without the tail.
        head = re.match(r"[3-6]\d{3}(?:[\s-]?\d{4}){3}", raw)
        if head and head.end() < len(raw) and raw[head.end()] in " -" and luhn_ok(re.sub(r"[\s-]", "", head.group())):
            return match.start(), match.start() + head.end(), self.SCORE
        return None


class EmailRecognizer(RegexRecognizer):
    """E-mail addresses (pure regex, so tldextract never reaches the network)."""

    ENTITY = EntityType.EMAIL
    PATTERN = re.compile(r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
    SCORE = 0.95


_SURNAME = f"(?:{_alt(COMPOUND_SURNAMES)}|[{''.join(sorted(SINGLE_SURNAMES))}])"


class ChineseNameRecognizer(RegexRecognizer):
    """Chinese names: a known surname and one or two given-name characters next to a cue (借款人…, …先生)."""

    ENTITY = EntityType.PERSON
    PATTERN = re.compile(
        f"(?:{_alt(NAME_PREFIX_CUES)})(?:是|为|叫)?[:：\\s]*(?P<pre>{_SURNAME}[{_HAN}]{{1,2}})"
        f"|(?P<suf>{_SURNAME}[{_HAN}]{{0,2}}?)(?={_alt(NAME_SUFFIX_CUES)})"
    )
    SCORE = 0.85

    def validate(self, match: re.Match[str]) -> Span | None:
        """Trim given-name characters that are really the next word ("张三表示" is 张三)."""
        group = "pre" if match.group("pre") else "suf"
        start, end = match.span(group)
        name = match.group(group)
        surname_len = 2 if name[:2] in COMPOUND_SURNAMES else 1
        given = name[surname_len:]
        if group == "pre":
            while given and given[-1] in NAME_STOP_CHARS:
                given = given[:-1]
            if not given or "某" in given:
                return None
        end = start + surname_len + len(given)
        return start, end, self.SCORE


_PROVINCE = f"(?:{_alt(PROVINCES)})(?:省|市|壮族自治区|回族自治区|维吾尔自治区|自治区|特别行政区)?"
_ADDRESS = (
    f"(?:{_PROVINCE})?(?:[{_HAN}]{{2,4}}?(?:市|州|盟))?(?:[{_HAN}]{{1,4}}?(?:区|县|旗))?"
    f"(?:[{_HAN}]{{1,5}}?(?:街道|镇|乡))?[{_HAN}0-9]{{1,8}}?(?:路|街|大道|大街|巷|弄|胡同)"
    f"[0-9]{{1,5}}号(?:院)?(?:[{_HAN}0-9]{{0,8}}?(?:小区|花园|公寓|大厦))?"
    r"(?:[0-9]{1,3}(?:栋|幢|号楼|座))?(?:[0-9]{1,2}单元)?(?:[0-9]{1,5}(?:室|号|房))?"
)
_LEADING = re.compile(f"^(?:{_alt(ADDRESS_LEADING_CUES)})[:：]?")
_FIRST_UNIT = re.compile("省|自治区|市|区|县|旗")
_FIRST_ROAD = re.compile("路|街|大道|巷|弄|胡同")
_PROVINCE_RE = re.compile(_alt(PROVINCES))
_CUE_CHARS = frozenset("到至在于住址：:")


class AddressRecognizer(RegexRecognizer):
    """Addresses: optional province, city, district and town, then a road or street and a house number."""

    ENTITY = EntityType.ADDRESS
    PATTERN = re.compile(_ADDRESS)
    SCORE = 0.8

    def validate(self, match: re.Match[str]) -> Span | None:
        """Trim words swallowed at the front ("家住", "位于") and keep the address itself."""
        text = match.group()
        start = match.start()
        while (lead := _LEADING.match(text)) and lead.end() < len(text):
            start += lead.end()
            text = text[lead.end() :]
        unit = _FIRST_UNIT.search(text) or _FIRST_ROAD.search(text)
        prefix = text[: unit.start()] if unit else ""
        if (province := _PROVINCE_RE.search(prefix)) is not None:
            return start + province.start(), match.end(), self.SCORE
        # The lazy name part may start on the verb before the place ("寄到郑州市"): cut after the last cue.
        cut = max((i for i, ch in enumerate(prefix[:-2]) if ch in _CUE_CHARS), default=-1)
        return start + cut + 1, match.end(), self.SCORE


class CredentialRecognizer(RegexRecognizer):
    """Secrets typed into notes: passwords and card verification codes after a cue word (JR/T C3)."""

    ENTITY = EntityType.CREDENTIAL
    PATTERN = re.compile(f"(?:{_alt(CREDENTIAL_CUES)})(?:是|为)?[:：\\s]*(?P<secret>\\d{{3,8}})" + _EDGE_R)
    SCORE = 0.9

    def validate(self, match: re.Match[str]) -> Span | None:
        """Only the digits, not the cue."""
        return match.start("secret"), match.end("secret"), self.SCORE


def default_recognizers() -> list[RegexRecognizer]:
    """One instance of every built-in recogniser."""
    return [
        ResidentIdRecognizer(),
        MobileRecognizer(),
        LandlineRecognizer(),
        BankCardRecognizer(),
        EmailRecognizer(),
        ChineseNameRecognizer(),
        AddressRecognizer(),
        CredentialRecognizer(),
    ]
