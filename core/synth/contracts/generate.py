"""Generate a set of synthetic contracts on disk, with a ground-truth JSONL beside them."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Literal

from pydantic import BaseModel

from core.limits import MAX_CONTRACT_CHARS
from core.synth.contracts.render import render_lines
from core.synth.contracts.spec import STYLES, ContractTruth, draw_truth
from core.synth.contracts.writers import WRITERS

FileFormat = Literal["pdf", "docx", "txt"]
FORMATS: tuple[FileFormat, ...] = ("pdf", "docx", "txt")


class ContractSample(BaseModel):
    """One generated contract file and its truth."""

    path: Path
    file_format: FileFormat
    chars: int
    truth: ContractTruth


def write_contract(truth: ContractTruth, path: Path, file_format: FileFormat, seed: int = 0) -> ContractSample:
    """Render ``truth`` and write it; boilerplate is trimmed so the text stays within the extraction limit."""
    lines = render_lines(truth, seed)
    while len("\n".join(lines)) > MAX_CONTRACT_CHARS - 2000 and truth.boilerplate_paragraphs > 0:
        truth = truth.model_copy(update={"boilerplate_paragraphs": truth.boilerplate_paragraphs - 100})
        lines = render_lines(truth, seed)
    WRITERS[file_format](lines, path)
    return ContractSample(path=path, file_format=file_format, chars=len("\n".join(lines)), truth=truth)


def generate_contracts(
    out_dir: Path, count: int, seed: int, *, formats: tuple[FileFormat, ...] = FORMATS, long_share: float = 0.1
) -> list[ContractSample]:
    """Write ``count`` contracts, cycling styles and formats, and ``truth.jsonl`` in ``out_dir``.

    Args:
        out_dir: Created if missing.
        count: Number of contracts.
        seed: Random seed; the same seed writes the same contracts.
        formats: File formats to cycle through.
        long_share: Share of contracts padded with boilerplate to near 100,000 characters.
    """
    if count < 1:
        raise ValueError("count must be at least 1")
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    samples = []
    for index in range(count):
        style = STYLES[index % len(STYLES)]
        file_format = formats[(index // len(STYLES)) % len(formats)]
        truth = draw_truth(rng, index, style, long=rng.random() < long_share)
        path = out_dir / f"contract-{index:04d}-{style}.{file_format}"
        samples.append(write_contract(truth, path, file_format, seed=seed * 100_003 + index))
    with (out_dir / "truth.jsonl").open("w", encoding="utf-8") as fh:
        for sample in samples:
            fh.write(sample.model_dump_json() + "\n")
    return samples
