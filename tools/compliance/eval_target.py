"""Eval suite ``compliance``: the rule layer on labelled synthetic conversations, precision and recall per category."""

from __future__ import annotations

import time

from pydantic import BaseModel, Field

from core.privacy import get_guard
from evals.models import EvalScore, SuiteContext
from evals.targets.base import TargetOutput
from tools.compliance.models import Category
from tools.compliance.review import review
from tools.compliance.synthetic import Fragment, LabeledConversation, generate


class ComplianceParams(BaseModel):
    """``params`` of the suite."""

    dataset: str = "fragments.yaml"
    holdout: str = "holdout.yaml"
    holdout_seed: int = 7
    holdout_visits: str | None = Field(
        default=None, description="Second held-out set (visit, employer and shaming threats; lawful visits)"
    )
    conversations: int = Field(default=300, ge=1, le=20_000)
    seed: int = 2026


class CategoryScore(BaseModel):
    """Counts of one category."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    model_only_caught: int = 0
    """Subtle (model-layer) labels the rules caught anyway; counted neither as TP nor FP."""

    @property
    def precision(self) -> float:
        """TP / (TP + FP); 1.0 when nothing was predicted."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        """TP / (TP + FN); 1.0 when nothing was expected."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


class ComplianceSuiteOutput(TargetOutput):
    """Per-category counts and the misses, for the evaluators."""

    per_category: dict[str, CategoryScore]
    conversations: int
    verdict_correct: int
    misses: list[str] = Field(default_factory=list, description="'<conversation> <turn> <category> FN|FP: text'")
    holdout: ComplianceSuiteOutput | None = Field(default=None, description="The same counts on the held-out lines")
    holdout_visits: ComplianceSuiteOutput | None = Field(
        default=None, description="The same on the second held-out set"
    )


def score(conversations: list[LabeledConversation]) -> ComplianceSuiteOutput:
    """Run the rule layer on each conversation and count hits per category, at (category, turn) level.

    A rule finding matching a ``rule`` label is a TP; a ``rule`` label with no finding is an FN; a finding with no
    label is an FP. A finding on a ``model`` (subtle) label is neither: the rules are not meant to see those.
    """
    guard = get_guard()
    per = {c.value: CategoryScore() for c in Category}
    misses: list[str] = []
    verdict_correct = 0
    for conv in conversations:
        result = review(conv.transcript, guard=guard)
        found = {(f.category.value, f.turn) for f in result.findings}
        rule = {(label.category.value, label.turn) for label in conv.labels if label.layer == "rule"}
        subtle = {(label.category.value, label.turn) for label in conv.labels if label.layer == "model"}
        verdict_correct += (result.verdict == "fail") == bool(rule)
        for cat, _turn in found & rule:
            per[cat].tp += 1
        for cat, turn in rule - found:
            per[cat].fn += 1
            misses.append(f"{conv.id} {turn} {cat} FN: {conv.transcript.turns[turn].text}")
        for cat, turn in found - rule:
            if (cat, turn) in subtle:
                per[cat].model_only_caught += 1
                continue
            per[cat].fp += 1
            misses.append(f"{conv.id} {turn} {cat} FP: {conv.transcript.turns[turn].text}")
    return ComplianceSuiteOutput(
        per_category=per, conversations=len(conversations), verdict_correct=verdict_correct, misses=misses
    )


def run_compliance(context: SuiteContext) -> ComplianceSuiteOutput:
    """Generate the labelled conversations from the fragment library and score the rule layer."""
    params = ComplianceParams.model_validate(context.config.params)
    fragments = [Fragment.model_validate(row) for row in context.datasets[params.dataset]]
    conversations = generate(params.conversations, seed=params.seed, fragments=fragments)
    started = time.perf_counter()
    output = score(conversations)
    elapsed = time.perf_counter() - started
    # Held-out lines replace the collector lines; openers, debtor and third-party lines stay.
    held = [Fragment.model_validate(row) for row in context.datasets[params.holdout]]
    frame = [f for f in fragments if f.kind not in {"violation", "lawful", "lawful_third_party"}]
    output.holdout = score(generate(params.conversations, seed=params.holdout_seed, fragments=frame + held))
    if params.holdout_visits is not None:
        visits = [Fragment.model_validate(row) for row in context.datasets[params.holdout_visits]]
        output.holdout_visits = score(
            generate(params.conversations, seed=params.holdout_seed, fragments=frame + visits)
        )
    output.facts = {
        "conversations": len(conversations),
        "fragments": len(fragments),
        "holdout_lines": len(held),
        "seed": params.seed,
        "rule_layer_ms_per_conversation": round(1000 * elapsed / max(1, len(conversations)), 2),
        **{f"{cat}_p/r": f"{s.precision:.3f}/{s.recall:.3f} (tp {s.tp} fp {s.fp} fn {s.fn})"
           for cat, s in output.per_category.items()},
    }  # fmt: skip
    if output.holdout_visits is not None:
        output.facts.update(
            {f"holdout_visits_{cat}_p/r": f"{s.precision:.3f}/{s.recall:.3f} (tp {s.tp} fp {s.fp} fn {s.fn})"
             for cat, s in output.holdout_visits.per_category.items() if s.tp + s.fp + s.fn}
        )  # fmt: skip
    return output


def _micro(output: ComplianceSuiteOutput) -> CategoryScore:
    total = CategoryScore()
    for s in output.per_category.values():
        total.tp, total.fp, total.fn = total.tp + s.tp, total.fp + s.fp, total.fn + s.fn
    return total


def _table(output: ComplianceSuiteOutput) -> str:
    return "; ".join(f"{c} {s.precision:.2f}/{s.recall:.2f}" for c, s in output.per_category.items())


def rule_recall(output: ComplianceSuiteOutput) -> EvalScore:
    """Micro-averaged recall of the rule layer on what it is meant to catch."""
    total = _micro(output)
    return EvalScore(
        key="rule_recall",
        score=total.recall,
        comment=f"tp {total.tp} fn {total.fn}; per category p/r: {_table(output)}",
    )


def rule_precision(output: ComplianceSuiteOutput) -> EvalScore:
    """Micro-averaged precision of the rule layer."""
    total = _micro(output)
    misses = " | ".join(m for m in output.misses if " FP: " in m)[:1500]
    return EvalScore(key="rule_precision", score=total.precision, comment=f"tp {total.tp} fp {total.fp}; {misses}")


def worst_category_recall(output: ComplianceSuiteOutput) -> EvalScore:
    """The lowest per-category recall (every one of the ten categories must be caught)."""
    cat, s = min(output.per_category.items(), key=lambda kv: kv[1].recall)
    misses = " | ".join(m for m in output.misses if " FN: " in m)[:1500]
    return EvalScore(key="worst_category_recall", score=s.recall, comment=f"{cat}; {misses}")


def worst_category_precision(output: ComplianceSuiteOutput) -> EvalScore:
    """The lowest per-category precision."""
    cat, s = min(output.per_category.items(), key=lambda kv: kv[1].precision)
    return EvalScore(key="worst_category_precision", score=s.precision, comment=f"{cat}: tp {s.tp} fp {s.fp}")


def verdict_accuracy(output: ComplianceSuiteOutput) -> EvalScore:
    """Share of conversations whose pass/fail verdict matches the rule-layer labels."""
    return EvalScore(
        key="verdict_accuracy",
        score=output.verdict_correct / max(1, output.conversations),
        comment=f"{output.verdict_correct}/{output.conversations}",
    )


def _held_recall(key: str, held: ComplianceSuiteOutput | None) -> EvalScore:
    if held is None:
        raise ValueError(f"the suite ran without the held-out set of {key}")
    total = _micro(held)
    misses = " | ".join(m for m in held.misses if " FN: " in m)[:1500]
    return EvalScore(key=key, score=total.recall, comment=f"tp {total.tp} fn {total.fn}; {misses}")


def _held_precision(key: str, held: ComplianceSuiteOutput | None) -> EvalScore:
    if held is None:
        raise ValueError(f"the suite ran without the held-out set of {key}")
    total = _micro(held)
    misses = " | ".join(m for m in held.misses if " FP: " in m)[:1500]
    return EvalScore(key=key, score=total.precision, comment=f"tp {total.tp} fp {total.fp}; {misses}")


def holdout_recall(output: ComplianceSuiteOutput) -> EvalScore:
    """Micro recall on conversations built from the held-out lines."""
    return _held_recall("holdout_recall", output.holdout)


def holdout_precision(output: ComplianceSuiteOutput) -> EvalScore:
    """Micro precision on conversations built from the held-out lines."""
    return _held_precision("holdout_precision", output.holdout)


def holdout_visits_recall(output: ComplianceSuiteOutput) -> EvalScore:
    """Micro recall on conversations built from the second held-out set (visit and exposure threats)."""
    return _held_recall("holdout_visits_recall", output.holdout_visits)


def holdout_visits_precision(output: ComplianceSuiteOutput) -> EvalScore:
    """Micro precision on conversations built from the second held-out set (lawful visits included)."""
    return _held_precision("holdout_visits_precision", output.holdout_visits)
