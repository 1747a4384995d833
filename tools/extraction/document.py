"""A contract file as one text with page and character offsets for every element, through the ingestion pipeline.

``retrieval.partition.partition_file`` (unstructured for DOCX and text, pdfminer for text PDFs) gives blocks with
their page but no offsets; this module lays the blocks out as one text and keeps, for every element, where it
starts and ends in that text and on which page. pdfminer returns each printed line of a CJK paragraph as its own
block, so PDF lines that run on (no closing punctuation, full line) are joined back into their paragraph.
"""

from __future__ import annotations

import bisect
import re
from pathlib import Path

from pydantic import BaseModel, Field

from core.limits import MAX_CONTRACT_CHARS
from retrieval.partition import Block, IngestError, partition_file

MAX_BYTES = 20 * 2**20
_CLOSING = tuple("。；！？：:;!?）)")
# A numbered heading ("1. 借款金额"), not a decimal number at the start of a wrapped line ("206.55平方米").
_HEADING = re.compile(
    r"^\s*(?:第[一二三四五六七八九十百零〇\d]+[条章节部分]|[一二三四五六七八九十]+、|\d+[.、．](?!\d)\s*\S)"
)
_CJK = re.compile(r"[\u4e00-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]")
_CONTRACT_WORDS = ("借款", "贷款", "合同", "协议", "出借人", "借款人", "持卡人", "额度", "抵押")


class ContractInputError(ValueError):
    """A file that cannot be read as a contract; the message tells the person who supplied it what to do."""


class Element(BaseModel):
    """One element of the contract text (a paragraph, heading or table cell) and where it lies."""

    kind: str = Field(description="Element type from the partitioner (Title, NarrativeText, Text, ...)")
    page: int | None = Field(description="1-based page where the element starts; None when the format has no pages")
    start: int = Field(ge=0, description="Offset of the first character in the document text")
    end: int = Field(ge=0, description="Offset just past the last character")


class ContractDocument(BaseModel):
    """The contract as one text (elements joined by newlines) with its elements and page boundaries."""

    file_name: str
    file_kind: str
    text: str
    elements: list[Element]
    page_starts: list[int] = Field(description="Text offset at which each page begins (index 0 is page 1)")
    has_pages: bool

    @property
    def pages(self) -> int:
        """Number of pages (1 for formats without pages)."""
        return max(len(self.page_starts), 1)

    def page_at(self, offset: int) -> int | None:
        """The page holding character ``offset``; None for formats without pages."""
        if not self.has_pages or not self.page_starts:
            return None
        return bisect.bisect_right(self.page_starts, offset)


def _runs_on(previous: str, block: Block, prev_block: Block) -> bool:
    """Whether a PDF block continues the previous line's paragraph."""
    last_line = previous.rsplit("\n", 1)[-1]
    if _HEADING.match(block.text) or _HEADING.match(last_line) and len(last_line) < 30:
        return False
    return len(last_line) >= 30 and not last_line.endswith(_CLOSING) and prev_block.kind == block.kind


def _join(left: str, right: str) -> str:
    if left and right and left[-1].isascii() and left[-1].isalpha() and right[0].isascii() and right[0].isalpha():
        return left + " " + right
    return left + right


def layout(blocks: list[Block], *, file_name: str, file_kind: str) -> ContractDocument:
    """Lay blocks out as one text, recording element offsets and page starts."""
    parts: list[str] = []
    elements: list[Element] = []
    page_starts: list[int] = []
    offset = 0
    prev: Block | None = None
    for block in blocks:
        text = block.text if file_kind != "pdf" else block.text.replace("\n", "")
        page = block.page
        if page is not None:
            while len(page_starts) < page:
                page_starts.append(offset)
        if file_kind == "pdf" and prev is not None and elements and _runs_on(parts[-1], block, prev):
            joined = _join(parts[-1], text)
            offset += len(joined) - len(parts[-1])
            parts[-1] = joined
            elements[-1] = elements[-1].model_copy(update={"end": offset})
        else:
            if parts:
                offset += 1  # the newline between elements
            start = offset
            parts.append(text)
            offset += len(text)
            elements.append(Element(kind=block.kind, page=page, start=start, end=offset))
        prev = block
    has_pages = any(b.page is not None for b in blocks)
    return ContractDocument(
        file_name=file_name,
        file_kind=file_kind,
        text="\n".join(parts),
        elements=elements,
        page_starts=page_starts if has_pages else [0],
        has_pages=has_pages,
    )


def check_contract_text(text: str) -> None:
    """Refuse text that is too long, not Chinese, or not a loan contract.

    Raises:
        ContractInputError: with the reason.
    """
    if len(text) > MAX_CONTRACT_CHARS:
        raise ContractInputError(f"contract text is {len(text):,} characters, over the {MAX_CONTRACT_CHARS:,} limit")
    cjk, latin = len(_CJK.findall(text)), len(_LATIN.findall(text))
    if cjk < 50 and latin > cjk:
        raise ContractInputError(
            "the contract appears to be in English (or another language without Chinese text); "
            "only Chinese loan contracts are supported"
        )
    hits = [w for w in _CONTRACT_WORDS if w in text]
    if len(hits) < 3:
        raise ContractInputError(
            "the file does not look like a loan contract (no borrower, lender, loan or contract terms)"
        )


def load_contract(path: Path) -> ContractDocument:
    """Partition a contract file (PDF with text, DOCX or text) into a laid-out document.

    Raises:
        ContractInputError: unsupported, encrypted, scanned (needs OCR), too long, not Chinese or not a contract.
    """
    suffix = path.suffix.lower()
    if suffix not in (".pdf", ".docx", ".txt"):
        raise ContractInputError(f"unsupported contract file type {suffix or '(none)'!r}; use .pdf, .docx or .txt")
    try:
        blocks = partition_file(path, MAX_BYTES)
    except IngestError as exc:
        message = str(exc)
        if "no text found" in message and suffix == ".pdf":
            message = "the PDF has no text layer (a scanned image?); run OCR on it first, then extract"
        raise ContractInputError(message) from exc
    document = layout(blocks, file_name=path.name, file_kind=suffix.lstrip("."))
    check_contract_text(document.text)
    return document


def document_from_text(text: str, *, file_name: str = "contract.txt") -> ContractDocument:
    """A document from plain text already in memory (one element per non-empty line), checked like a file."""
    blocks = [Block(text=line.strip(), kind="Text") for line in text.splitlines() if line.strip()]
    if not blocks:
        raise ContractInputError("the contract text is empty")
    document = layout(blocks, file_name=file_name, file_kind="txt")
    check_contract_text(document.text)
    return document
