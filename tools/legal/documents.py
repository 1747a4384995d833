"""Render a legal document template (YAML + Jinja2 text blocks in templates/) to DOCX with the claims table."""

from __future__ import annotations

import datetime as dt
import io
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import yaml
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt
from jinja2 import Environment, StrictUndefined
from pydantic import BaseModel, Field

from tools.legal.claims import ClaimsCalculation

TEMPLATES = Path(__file__).resolve().parent / "templates"
DocumentKind = Literal["complaint", "preservation", "payment-order"]
KINDS: tuple[DocumentKind, ...] = ("complaint", "preservation", "payment-order")
_FILES: dict[DocumentKind, str] = {
    "complaint": "complaint.yaml",
    "preservation": "preservation.yaml",
    "payment-order": "payment_order.yaml",
}
_CN_NUMBERS = "一二三四五六七八九十"
FONT = "宋体"


class Block(BaseModel):
    """One block of a template."""

    style: Literal["title", "heading", "para", "right", "claims"]
    text: str = ""


class Template(BaseModel):
    """A legal document template."""

    kind: DocumentKind
    title: str
    blocks: list[Block] = Field(min_length=1)


class TableText(BaseModel):
    """Fixed wording of the claims table and the approval banners."""

    header: list[str] = Field(min_length=3, max_length=3)
    total_label: str
    capitals_label: str
    draft_banner: str
    final_banner: str
    unverified_note: str


def _cn_num(value: int) -> str:
    if not 1 <= value <= len(_CN_NUMBERS):
        raise ValueError(f"no Chinese ordinal for {value}")
    return _CN_NUMBERS[value - 1]


_ENV = Environment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=False)  # DOCX, not HTML
_ENV.filters["cn_num"] = _cn_num


@lru_cache(maxsize=8)
def load_template(kind: DocumentKind) -> Template:
    """The template for ``kind``, validated."""
    data = yaml.safe_load((TEMPLATES / _FILES[kind]).read_text(encoding="utf-8"))
    template = Template.model_validate(data)
    if template.kind != kind:
        raise ValueError(f"{_FILES[kind]} declares kind {template.kind!r}, expected {kind!r}")
    return template


@lru_cache(maxsize=1)
def table_text() -> TableText:
    """The claims table wording."""
    return TableText.model_validate(yaml.safe_load((TEMPLATES / "claims_table.yaml").read_text(encoding="utf-8")))


def paragraphs(text: str, context: dict[str, Any]) -> list[str]:
    """Render one block: lines are joined without a separator, blank lines separate paragraphs."""
    out: list[str] = []
    current: list[str] = []
    for line in _ENV.from_string(text).render(context).split("\n"):
        if line.strip():
            current.append(line.strip())
        elif current:
            out.append("".join(current))
            current = []
    if current:
        out.append("".join(current))
    return out


def _set_font(document: Any) -> None:
    style = document.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(12)
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)


def _claims_table(document: Any, claims: ClaimsCalculation, words: TableText) -> None:
    table = document.add_table(rows=1, cols=3)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, words.header, strict=True):
        cell.text = text
    for line in claims.lines:
        row = table.add_row().cells
        row[0].text = line.label
        row[1].text = line.formula + (f"（{line.note}）" if line.note else "")
        row[2].text = f"{line.amount:f}"
    total = table.add_row().cells
    total[0].text, total[1].text, total[2].text = words.total_label, "", f"{claims.total:f}"
    capitals = table.add_row().cells
    capitals[0].text, capitals[2].text = words.capitals_label, f"人民币{claims.total_capitals}"
    capitals[1].merge(capitals[2])
    for warning in claims.warnings:
        document.add_paragraph(f"注：{warning}")
    if not claims.verified:
        document.add_paragraph(words.unverified_note)


def render_docx(kind: DocumentKind, context: dict[str, Any], claims: ClaimsCalculation) -> bytes:
    """The document for ``kind`` as DOCX bytes, with the draft banner in the page header.

    Args:
        kind: complaint, preservation or payment-order.
        context: The template variables (see tools/legal/drafting.py).
        claims: The calculation printed as a table at the template's ``claims`` block.
    """
    template, words = load_template(kind), table_text()
    document = Document()
    _set_font(document)
    document.core_properties.author = "Qingshou"
    document.core_properties.title = template.title
    document.core_properties.comments = ""
    header = document.sections[0].header.paragraphs[0]
    header.text = words.draft_banner
    header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for block in template.blocks:
        if block.style == "claims":
            _claims_table(document, claims, words)
            continue
        for text in paragraphs(block.text, context):
            paragraph = document.add_paragraph()
            run = paragraph.add_run(text)
            if block.style in ("title", "heading"):
                run.bold = True
                run.font.size = Pt(18 if block.style == "title" else 14)
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            elif block.style == "right":
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def mark_final(content: bytes, *, approver: str, at: dt.datetime) -> bytes:
    """The same DOCX with the draft banner replaced by the approval banner."""
    words = table_text()
    document = Document(io.BytesIO(content))
    header = document.sections[0].header.paragraphs[0]
    if header.text != words.draft_banner:
        raise ValueError("the document has no draft banner: it was not drafted here or is already final")
    header.text = words.final_banner.format(approver=approver, at=at.strftime("%Y-%m-%d %H:%M UTC"))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def docx_text(content: bytes) -> str:
    """All text of a DOCX (header, paragraphs, table cells), one line each: for checks and tests."""
    document = Document(io.BytesIO(content))
    lines = [p.text for p in document.sections[0].header.paragraphs]
    lines += [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(lines)
