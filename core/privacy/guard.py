"""The PII guard: Presidio's analyzer and anonymizer with the mainland-China recognisers, no spaCy model."""

from __future__ import annotations

import os
import threading
import uuid
from collections import OrderedDict
from typing import Literal

from presidio_analyzer import AnalyzerEngine, EntityRecognizer, RecognizerRegistry, RecognizerResult
from presidio_analyzer.nlp_engine import NoOpNlpEngine
from presidio_anonymizer import AnonymizerEngine
from presidio_anonymizer.entities import OperatorConfig

from core.privacy.entities import JRT_CLASS, EntityType, PIIEntity, RedactionResult
from core.privacy.known import KnownPII, known_recognizers
from core.privacy.recognizers import LANGUAGE, default_recognizers
from core.privacy.vault import PseudonymVault, mask

# Presidio's e-mail recogniser would fetch the public-suffix list; ours is pure regex, but be sure.
os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")

Mode = Literal["pseudonym", "mask"]


class RedactionError(RuntimeError):
    """The guard could not redact a text; callers must not send it anywhere."""


def _resolve_overlaps(results: list[RecognizerResult]) -> list[RecognizerResult]:
    """Keep the strongest of overlapping findings (higher score, then longer span); sorted by start."""
    ranked = sorted(results, key=lambda r: (-r.score, -(r.end - r.start), r.start))
    kept: list[RecognizerResult] = []
    taken: list[tuple[int, int]] = []
    for r in ranked:
        if all(r.end <= s or r.start >= e for s, e in taken):
            kept.append(r)
            taken.append((r.start, r.end))
    return sorted(kept, key=lambda r: r.start)


class PIIGuard:
    """Finds and replaces PII. One instance per process; the vault keeps each thread's pseudonyms stable."""

    def __init__(self, *, vault: PseudonymVault | None = None, score_threshold: float = 0.5) -> None:
        nlp = NoOpNlpEngine(models=[{"lang_code": LANGUAGE, "model_name": "none"}])
        registry = RecognizerRegistry(recognizers=default_recognizers(), supported_languages=[LANGUAGE])
        self.analyzer = AnalyzerEngine(
            registry=registry, nlp_engine=nlp, supported_languages=[LANGUAGE], default_score_threshold=score_threshold
        )
        self.anonymizer = AnonymizerEngine()  # type: ignore[no-untyped-call]
        self.vault = vault or PseudonymVault()
        # Prompts repeat (system, policy, tool schemas, case facts): analysis results are cached per text and
        # known-value set, in memory only, like the vault.
        self._cache: OrderedDict[tuple[str, str], list[RecognizerResult]] = OrderedDict()
        self._known_cache: OrderedDict[str, list[EntityRecognizer]] = OrderedDict()
        self._lock = threading.Lock()
        self.cache_size = 4096

    def analyze(self, text: str, known: KnownPII | None = None) -> list[PIIEntity]:
        """Every entity in ``text`` (overlaps resolved), with offsets into ``text``."""
        return [self._entity(r) for r in self._results(text, known)]

    def _known(self, known: KnownPII | None) -> tuple[str, list[EntityRecognizer] | None]:
        if known is None or known.is_empty():
            return "", None
        key = known.model_dump_json()
        with self._lock:
            cached = self._known_cache.get(key)
        if cached is None:
            cached = list[EntityRecognizer](known_recognizers(known))
            with self._lock:
                self._known_cache[key] = cached
                while len(self._known_cache) > 256:
                    self._known_cache.popitem(last=False)
        return key, cached

    def _results(self, text: str, known: KnownPII | None) -> list[RecognizerResult]:
        known_key, ad_hoc = self._known(known)
        key = (text, known_key)
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None:
                self._cache.move_to_end(key)
                return list(hit)
        try:
            results = _resolve_overlaps(self.analyzer.analyze(text, language=LANGUAGE, ad_hoc_recognizers=ad_hoc))
        except (ValueError, TypeError, RuntimeError) as exc:
            raise RedactionError(f"PII analysis failed: {type(exc).__name__}") from exc
        with self._lock:
            self._cache[key] = results
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)
        return list(results)

    @staticmethod
    def _entity(result: RecognizerResult) -> PIIEntity:
        etype = EntityType(result.entity_type)
        return PIIEntity(
            type=etype, start=result.start, end=result.end, score=round(result.score, 3), jrt_class=JRT_CLASS[etype]
        )

    def redact(
        self, text: str, *, thread_id: str | None = None, known: KnownPII | None = None, mode: Mode = "pseudonym"
    ) -> RedactionResult:
        """Replace every entity: with the thread's pseudonym (``<PERSON_1>``) or with a display mask.

        Args:
            text: The text to redact.
            thread_id: Conversation whose pseudonyms to use; ``None`` uses a fresh, throw-away thread.
            known: The case's own identities, matched exactly in addition to the recognisers.
            mode: ``pseudonym`` (reversible through the vault) or ``mask`` (``138****5678``, irreversible).
        """
        results = self._results(text, known)
        if not results:
            return RedactionResult(text=text, entities=[])
        thread = thread_id or f"ephemeral-{uuid.uuid4().hex}"
        if mode == "pseudonym":
            for r in results:  # mint in reading order, so <PERSON_1> is the first person in the text
                self.vault.token(thread, EntityType(r.entity_type), text[r.start : r.end])
        operators = {}
        for etype in {EntityType(r.entity_type) for r in results}:
            if mode == "pseudonym":
                operators[etype.value] = OperatorConfig(
                    "custom", {"lambda": lambda value, e=etype: self.vault.token(thread, e, value)}
                )
            else:
                operators[etype.value] = OperatorConfig("custom", {"lambda": lambda value, e=etype: mask(e, value)})
        try:
            # The anonymizer takes the analyzer's results as they are (its own RecognizerResult is a look-alike type).
            anonymized = self.anonymizer.anonymize(
                text=text,
                analyzer_results=results,  # type: ignore[arg-type]
                operators=operators,
            )
        except (ValueError, TypeError, KeyError) as exc:
            raise RedactionError(f"PII anonymization failed: {type(exc).__name__}") from exc
        if thread_id is None and mode == "pseudonym":
            self.vault.forget(thread)
        return RedactionResult(text=anonymized.text, entities=[self._entity(r) for r in results])

    def mask_text(self, text: str, known: KnownPII | None = None) -> str:
        """``text`` with every entity masked: what logs, traces and lower roles see."""
        return self.redact(text, known=known, mode="mask").text

    def reveal(self, text: str, thread_id: str, *, may_see_pii: bool) -> str:
        """Turn a model answer back into text for a reader: real values if allowed, masks otherwise."""
        return self.vault.restore(text, thread_id) if may_see_pii else self.vault.masked(text, thread_id)
