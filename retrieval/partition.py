"""Turn a file (PDF, DOCX, HTML, TXT, Markdown, EML) into text blocks, offline.

DOCX, HTML, TXT, Markdown and EML go through unstructured's partitioners. Text PDFs are read with pdfminer.six
directly, the same engine unstructured's ``fast`` strategy uses: unstructured's PDF module imports
``unstructured_inference`` even for ``fast``, and that package requires torch, which this project does not install.

Every failure is an :class:`IngestError` whose message says what is wrong with the file; callers report it per
file and go on with the batch.
"""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import BaseModel

# unstructured phones home and prints a banner on import unless told not to; tests never touch the network.
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("SCARF_NO_ANALYTICS", "true")
os.environ.setdefault("UNSTRUCTURED_DISABLE_NOTICE", "1")

SUPPORTED_SUFFIXES: dict[str, str] = {
    ".pdf": "pdf",
    ".docx": "docx",
    ".html": "html",
    ".htm": "html",
    ".txt": "text",
    ".md": "md",
    ".markdown": "md",
    ".eml": "email",
}


class IngestError(ValueError):
    """A file that cannot be ingested; the message is meant for the person who supplied it."""


class Block(BaseModel):
    """One element of a document: its text, kind (Title, NarrativeText, ...) and page."""

    text: str
    kind: str = "Text"
    page: int | None = None


def check_file(path: Path, max_bytes: int) -> str:
    """Validate a path before reading it; returns the file kind.

    Raises:
        IngestError: missing, not a file, unsupported type, empty or too large.
    """
    if not path.exists():
        raise IngestError("file not found")
    if not path.is_file():
        raise IngestError("not a regular file")
    kind = SUPPORTED_SUFFIXES.get(path.suffix.lower())
    if kind is None:
        raise IngestError(
            f"unsupported file type {path.suffix or '(none)'!r}; supported: {', '.join(sorted(SUPPORTED_SUFFIXES))}"
        )
    size = path.stat().st_size
    if size == 0:
        raise IngestError("file is empty")
    if size > max_bytes:
        raise IngestError(f"file is {size / 2**20:.1f} MiB, over the {max_bytes / 2**20:.0f} MiB limit")
    return kind


def _check_pdf(path: Path) -> None:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(path)
        encrypted = reader.is_encrypted
    except (PdfReadError, ValueError, OSError, KeyError) as exc:
        raise IngestError(f"corrupt PDF: {exc}") from exc
    if encrypted:
        raise IngestError("PDF is encrypted; decrypt it before ingesting")


def _partition_pdf(path: Path) -> list[Block]:
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LTTextContainer

    blocks: list[Block] = []
    for page_no, page in enumerate(extract_pages(str(path)), start=1):
        for item in page:
            if isinstance(item, LTTextContainer):
                text = item.get_text().strip()
                if text:
                    blocks.append(Block(text=text, kind="Text", page=page_no))
    return blocks


def _partition(path: Path, kind: str) -> list[object]:
    from retrieval.spacy_model import ensure_spacy_model

    ensure_spacy_model()
    if kind == "docx":
        from unstructured.partition.docx import partition_docx

        return list(partition_docx(filename=str(path)))
    if kind == "html":
        from unstructured.partition.html import partition_html

        return list(partition_html(filename=str(path)))
    if kind == "md":
        from unstructured.partition.md import partition_md

        return list(partition_md(filename=str(path)))
    if kind == "email":
        from unstructured.partition.email import partition_email

        return list(partition_email(filename=str(path), process_attachments=False))
    from unstructured.partition.text import partition_text

    return list(partition_text(filename=str(path)))


def partition_file(path: Path, max_bytes: int) -> list[Block]:
    """Partition ``path`` into text blocks.

    Args:
        path: The file.
        max_bytes: Refuse files larger than this.

    Returns:
        Non-empty text blocks in reading order.

    Raises:
        IngestError: the file is unsupported, empty, too large, encrypted, corrupt or has no text.
    """
    kind = check_file(path, max_bytes)
    if kind == "pdf":
        _check_pdf(path)
    try:
        if kind == "pdf":
            blocks = _partition_pdf(path)
        else:
            blocks = _blocks(_partition(path, kind))
    except IngestError:
        raise
    except Exception as exc:  # noqa: BLE001 - any parser failure becomes this file's error, the batch goes on
        raise IngestError(f"cannot parse {kind} file: {type(exc).__name__}: {exc}") from exc
    if not blocks:
        hint = " (a scanned PDF needs OCR first)" if kind == "pdf" else ""
        raise IngestError(f"no text found in the file{hint}")
    return blocks


def _blocks(elements: list[object]) -> list[Block]:
    blocks: list[Block] = []
    for element in elements:
        text = str(getattr(element, "text", "") or "").strip()
        if not text:
            continue
        meta = getattr(element, "metadata", None)
        page = getattr(meta, "page_number", None)
        blocks.append(Block(text=text, kind=type(element).__name__, page=page if isinstance(page, int) else None))
    return blocks
