"""Split documents along their own structure (articles for rules, clause numbers for contracts).

Chinese rules split at 第X章 / 第X节 / 第X条 (items such as （一） stay inside their article), US rules at § sections,
contracts at 第X条 or clause numbers, and anything else into paragraph windows.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel

from retrieval.partition import Block

ChunkMode = Literal["regulation", "contract", "plain"]

_CN_NUM = "零〇一二三四五六七八九十百千两0-9０-９"
_CHAPTER = re.compile(rf"^(第[{_CN_NUM}]+[编章])[\s　]*(.*)$")
_SECTION = re.compile(rf"^(第[{_CN_NUM}]+节)[\s　]*(.*)$")
_CN_ARTICLE = re.compile(rf"^(第[{_CN_NUM}]+条)[\s　:：]*(.*)$")
_US_SECTION = re.compile(r"^(§\s*\d+\.\d+(?:\([A-Za-z0-9]+\))*)\s*(.*)$")
_EN_ARTICLE = re.compile(r"^((?:Article|Section|Clause)\s+\d+(?:\.\d+)*)[.:]?\s*(.*)$", re.IGNORECASE)
_NUM_CLAUSE = re.compile(r"^(\d{1,2}(?:\.\d{1,2})?)(?:[.、．]|\s)\s*(\S.*)$")
_CN_CLAUSE = re.compile(r"^([一二三四五六七八九十]{1,3})、\s*(.*)$")
_MD_HEADING = re.compile(r"^#{1,6}\s+")
_SENTENCE_END = re.compile(r"(?<=[。；;！？!?])|(?<=\.)\s")

MAX_CHARS = 700
"""Longest chunk in characters; e5-small reads 512 tokens and Chinese is about a token a character."""
MIN_PREAMBLE = 20


class TextChunk(BaseModel):
    """A chunk before metadata is attached."""

    article: str = ""
    heading: str = ""
    text: str


def _lines(blocks: list[Block]) -> list[str]:
    out: list[str] = []
    for block in blocks:
        for raw in block.text.splitlines():
            line = _MD_HEADING.sub("", raw.strip()).strip()
            if line:
                out.append(line)
    return out


def _article_patterns(lines: list[str], mode: ChunkMode) -> list[re.Pattern[str]]:
    """The article markers this document uses, most specific family first."""
    if mode == "plain":
        return []
    families: list[list[re.Pattern[str]]] = [[_CN_ARTICLE], [_US_SECTION], [_EN_ARTICLE]]
    if mode == "contract":
        families += [[_CN_CLAUSE], [_NUM_CLAUSE]]
    for family in families:
        if sum(1 for line in lines if any(p.match(line) for p in family)) >= 2:
            return family
    return []


def split_long(text: str, limit: int = MAX_CHARS) -> list[str]:
    """Split ``text`` at sentence ends into parts of at most ``limit`` characters (hard cut as a last resort)."""
    if len(text) <= limit:
        return [text]
    parts: list[str] = []
    current = ""
    for sentence in filter(None, _SENTENCE_END.split(text)):
        while len(sentence) > limit:
            if current:
                parts.append(current)
                current = ""
            parts.append(sentence[:limit])
            sentence = sentence[limit:]
        if len(current) + len(sentence) > limit:
            parts.append(current)
            current = ""
        current += sentence
    if current.strip():
        parts.append(current)
    return [p.strip() for p in parts if p.strip()]


def chunk_blocks(blocks: list[Block], mode: ChunkMode) -> list[TextChunk]:
    """Group blocks into chunks that follow the document's articles or clauses.

    Args:
        blocks: The document's text blocks in reading order.
        mode: ``regulation`` (chapters and articles), ``contract`` (articles or clause numbers) or ``plain``.

    Returns:
        Chunks in document order, long articles split at sentence ends (each part keeps the article label).
    """
    lines = _lines(blocks)
    patterns = _article_patterns(lines, mode)
    if not patterns:
        return _windows(lines)
    chapter = section = ""
    groups: list[tuple[str, str, list[str]]] = []
    label, heading = "", ""
    body: list[str] = []
    for line in lines:
        if mode == "regulation" and (m := _CHAPTER.match(line)):
            chapter, section = line, ""
            continue
        if mode == "regulation" and _SECTION.match(line):
            section = line
            continue
        match = next((m for p in patterns if (m := p.match(line))), None)
        if match:
            groups.append((label, heading, body))
            label, body = re.sub(r"\s+", "", match.group(1)) if "§" in match.group(1) else match.group(1), [line]
            heading = " / ".join(h for h in (chapter, section) if h)
        else:
            body.append(line)
    groups.append((label, heading, body))
    chunks: list[TextChunk] = []
    for art, head, body_lines in groups:
        text = "\n".join(body_lines).strip()
        if not text or (not art and len(text) < MIN_PREAMBLE):
            continue
        chunks.extend(TextChunk(article=art, heading=head, text=part) for part in split_long(text))
    return chunks


def _windows(lines: list[str]) -> list[TextChunk]:
    chunks: list[TextChunk] = []
    current: list[str] = []
    size = 0
    for line in lines:
        if current and size + len(line) > MAX_CHARS:
            chunks.append(TextChunk(text="\n".join(current)))
            current, size = [], 0
        for part in split_long(line):
            current.append(part)
            size += len(part)
    if current:
        chunks.append(TextChunk(text="\n".join(current)))
    return chunks
