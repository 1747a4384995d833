"""Write contract lines as PDF (reportlab, embedded-CID Chinese font that pdfminer reads back), DOCX or text."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from xml.sax.saxutils import escape

_HEADING = re.compile(r"^(?:第[一二三四五六七八九十百\d]+[条章](?:\s|$)|[一二三四五六七八九十]+、)")
FONT = "STSong-Light"


def is_heading(line: str, index: int) -> bool:
    """The title (first line) and clause headings are set in bold/larger type."""
    return index == 0 or bool(_HEADING.match(line)) and len(line) <= 20


def write_text(lines: Sequence[str], path: Path) -> Path:
    """One paragraph a line, UTF-8."""
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_docx(lines: Sequence[str], path: Path) -> Path:
    """One Word paragraph a line; headings bold."""
    from docx import Document
    from docx.oxml.ns import qn

    document = Document()
    style = document.styles["Normal"]
    style.font.name = "SimSun"
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "SimSun")
    for index, line in enumerate(lines):
        paragraph = document.add_paragraph()
        run = paragraph.add_run(line)
        run.bold = is_heading(line, index)
    document.save(str(path))
    return path


def write_pdf(lines: Sequence[str], path: Path) -> Path:
    """A4 pages with the Adobe CID font STSong-Light (no font file needed; text stays extractable)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    body = ParagraphStyle("body", fontName=FONT, fontSize=10.5, leading=16, wordWrap="CJK", spaceAfter=6)
    head = ParagraphStyle("head", parent=body, fontSize=12, leading=18, spaceBefore=6)
    story = [Paragraph(escape(line), head if is_heading(line, i) else body) for i, line in enumerate(lines)]
    SimpleDocTemplate(str(path), pagesize=A4, title="contract", invariant=1).build(story)
    return path


WRITERS = {"pdf": write_pdf, "docx": write_docx, "txt": write_text}
