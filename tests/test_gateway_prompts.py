"""Prompts format with the placeholders they declare; assembly is static-first; prefix reuse is measured right."""

from __future__ import annotations

import importlib
import pkgutil
import string

import pytest

import prompts
from core.gateway.prompting import PromptParts, assemble, prefix_reuse, serialise
from core.gateway.types import ToolSpec

TEMPLATES = [
    (module.__name__, name, value)
    for module in (importlib.import_module(f"prompts.{m.name}") for m in pkgutil.iter_modules(prompts.__path__))
    for name, value in vars(module).items()
    if name.isupper() and isinstance(value, str)
]


def test_every_prompt_module_is_covered() -> None:
    covered = {module for module, _, _ in TEMPLATES}
    expected = {f"prompts.{m.name}" for m in pkgutil.iter_modules(prompts.__path__)}
    assert covered == expected and "prompts.case_workflow" in covered


@pytest.mark.parametrize(("module", "name", "template"), TEMPLATES)
def test_every_prompt_formats_with_its_placeholders(module: str, name: str, template: str) -> None:
    fields = {f for _, f, _, _ in string.Formatter().parse(template) if f}
    rendered = template.format(**{f: f"<{f}>" for f in fields})
    assert all(f"<{f}>" in rendered for f in fields)
    assert "{" not in rendered.replace("{{", "")


def test_assembly_is_static_first() -> None:
    tools = [ToolSpec(name="b", description="B"), ToolSpec(name="a", description="A")]
    one = assemble(PromptParts(tools=tools, case_facts="<case_facts>1</case_facts>", question="甲"))
    two = assemble(PromptParts(tools=list(reversed(tools)), case_facts="<case_facts>2</case_facts>", question="乙"))
    assert [m.role for m in one] == ["system", "user", "user"]
    assert one[0] == two[0]  # same static prefix whatever the tool order
    assert "<policy>" in (one[0].content or "") and '"name": "a"' in (one[0].content or "")
    assert one[-1].content is not None and "甲" in one[-1].content


def test_prefix_reuse() -> None:
    assert prefix_reuse([]) == 0.0
    assert prefix_reuse(["abcd", "abxy"]) == pytest.approx(2 / 8)
    assert prefix_reuse(["abcd", "zzzz", "abcd"]) == pytest.approx(4 / 12)
    one = serialise(assemble(PromptParts(case_facts="x", question="q1")))
    two = serialise(assemble(PromptParts(case_facts="y", question="q2")))
    assert prefix_reuse([one, two]) > 0.4
