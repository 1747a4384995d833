"""Find a suite, validate its ``suite.yaml``, load its datasets and resolve its target and evaluators."""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from evals.models import SuiteConfig

SUITES_DIR = Path(__file__).resolve().parent / "suites"


class SuiteNotFoundError(LookupError):
    """No suite of that name."""


class SuiteConfigError(ValueError):
    """A suite's configuration or dataset is invalid; the message names the file."""


def list_suites(suites_dir: Path = SUITES_DIR) -> list[str]:
    """Names of the suites under ``suites_dir`` (folders holding a ``suite.yaml``)."""
    if not suites_dir.is_dir():
        return []
    return sorted(p.parent.name for p in suites_dir.glob("*/suite.yaml"))


def suite_dir(name: str, suites_dir: Path = SUITES_DIR) -> Path:
    """The folder of suite ``name``; raises :class:`SuiteNotFoundError`."""
    folder = suites_dir / name
    if "/" in name or name.startswith(".") or not (folder / "suite.yaml").is_file():
        known = ", ".join(list_suites(suites_dir)) or "none"
        raise SuiteNotFoundError(f"unknown suite {name!r} (known: {known})")
    return folder


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise SuiteConfigError(f"{path}: cannot read YAML: {exc}") from None


def load_config(folder: Path) -> SuiteConfig:
    """Validate ``folder/suite.yaml``."""
    path = folder / "suite.yaml"
    data = _read_yaml(path)
    try:
        return SuiteConfig.model_validate(data)
    except ValidationError as exc:
        details = "; ".join(f"{'.'.join(map(str, e['loc'])) or '(root)'}: {e['msg']}" for e in exc.errors())
        raise SuiteConfigError(f"{path}: {details}") from None


def load_dataset(path: Path) -> list[dict[str, Any]]:
    """Rows of a YAML (a list of mappings) or JSONL (one mapping a line) dataset."""
    if path.suffix == ".jsonl":
        rows = []
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise SuiteConfigError(f"{path}: cannot read dataset: {exc.strerror}") from None
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise SuiteConfigError(f"{path}:{number}: not JSON: {exc.msg}") from None
    elif path.suffix in (".yaml", ".yml"):
        rows = _read_yaml(path)
    else:
        raise SuiteConfigError(f"{path}: datasets must be .jsonl, .yaml or .yml")
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise SuiteConfigError(f"{path}: a dataset is a list of mappings")
    return rows


def resolve(ref: str) -> Callable[..., Any]:
    """Import ``package.module:function``."""
    module_name, sep, attr = ref.partition(":")
    if not sep or not module_name or not attr:
        raise SuiteConfigError(f"{ref!r} is not 'package.module:function'")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        raise SuiteConfigError(f"{ref!r}: cannot import {exc.name}") from None
    func = getattr(module, attr, None)
    if not callable(func):
        raise SuiteConfigError(f"{ref!r}: {module_name} has no function {attr!r}")
    return func  # type: ignore[no-any-return]
