"""The machine-checkable rule parameters (``packs/rule_params.yaml``) the compliance agent reads."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, Field

from retrieval.packs import PACKS_DIR

RULE_PARAMS_FILE = PACKS_DIR / "rule_params.yaml"


class RuleParam(BaseModel):
    """One parameter of one or more rules, with the pack entries it comes from."""

    key: str = Field(pattern=r"^[a-z]{2}\.[a-z0-9_]+$")
    kind: Literal[
        "time_window",
        "count_per_period",
        "minimum",
        "maximum",
        "condition",
        "prohibition",
        "obligation",
        "content_whitelist",
    ]
    jurisdiction: Literal["CN", "US"]
    value: dict[str, Any]
    applies_to: list[str] = Field(min_length=1)
    exception: str = ""
    description: str
    rules: list[str] = Field(min_length=1, description="Pack chunk ids '<pack id>/<entry id>' this comes from")
    verified: bool


class RuleParams(BaseModel):
    """The whole parameter file."""

    version: int
    params: list[RuleParam]

    def get(self, key: str) -> RuleParam:
        """The parameter named ``key``.

        Raises:
            KeyError: no such parameter.
        """
        for param in self.params:
            if param.key == key:
                return param
        raise KeyError(key)


def load_rule_params(path: Path = RULE_PARAMS_FILE) -> RuleParams:
    """Parse and validate a rule-parameter file."""
    return RuleParams.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))


@lru_cache(maxsize=1)
def rule_params() -> RuleParams:
    """The shipped parameters (parsed once)."""
    return load_rule_params()
