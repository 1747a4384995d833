"""The shipped packs (regulations, approved scripts) and their indexing on first use."""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from pathlib import Path

import yaml
from pydantic import BaseModel, Field, ValidationError

from retrieval.knowledge import KnowledgeBase, sha256_text
from retrieval.models import SHARED_TENANT, Chunk, Collection, DocMeta

PACKS_DIR = Path(__file__).resolve().parent / "packs"


class PackError(ValueError):
    """A pack file does not match its schema."""


class PackEntry(BaseModel):
    """One rule or script, written in our own words."""

    id: str = Field(pattern=r"^[A-Za-z0-9_.()-]+$", description="Stable id within the document")
    article: str = Field(default="", description="Article or section of the source, when known")
    article_verified: bool = Field(default=True, description="False when the article number is not confirmed")
    title: str
    text: str = Field(min_length=1)
    gloss: str = Field(default="", description="One-sentence gist in the other language (English for Chinese rules)")
    category: str = Field(default="", description="Scripts: reminder, negotiation, hardship, ...")
    stage: str = Field(default="", description="Scripts: the bucket or step they suit")
    channel: str = Field(default="", description="Scripts: phone, sms, app, letter")


class PackDocument(BaseModel):
    """A pack file: one source document (or script set) and its entries."""

    id: str = Field(pattern=r"^[a-z0-9-]+$")
    collection: Collection
    title: str
    short_title: str = ""
    issuer: str = ""
    jurisdiction: str = ""
    doc_type: str = ""
    citation: str = ""
    effective_from: dt.date | None = None
    effective_to: dt.date | None = None
    verified: bool = True
    note: str = ""
    entries: list[PackEntry] = Field(min_length=1)


def pack_files() -> list[Path]:
    """Every shipped pack file, sorted."""
    return sorted(PACKS_DIR.glob("*/*.yaml"))


def load_pack(path: Path) -> PackDocument:
    """Parse and validate one pack file.

    Raises:
        PackError: the file is not valid YAML or does not match the schema.
    """
    try:
        return PackDocument.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (yaml.YAMLError, ValidationError) as exc:
        raise PackError(f"{path.name}: {exc}") from exc


def entry_label(entry: PackEntry) -> str:
    """Article label shown in citations; unconfirmed article numbers say so."""
    if not entry.article:
        return entry.title
    return entry.article if entry.article_verified else f"{entry.article}（条款号未核实）"


def pack_chunks(doc: PackDocument, raw: bytes) -> list[Chunk]:
    """Chunks of a pack document: one per entry, with stable ids ``<doc id>/<entry id>``."""
    meta = DocMeta(
        collection=doc.collection,
        source=f"pack:{doc.collection}/{doc.id}",
        title=doc.short_title or doc.title,
        issuer=doc.issuer,
        jurisdiction=doc.jurisdiction,
        doc_type=doc.doc_type,
        citation=doc.citation,
        effective_from=doc.effective_from,
        effective_to=doc.effective_to,
        tenant=SHARED_TENANT,
        doc_hash=hashlib.sha256(raw).hexdigest(),
        verified=doc.verified,
    )
    chunks = []
    for i, entry in enumerate(doc.entries):
        text = "\n".join(p for p in (entry.title, entry.text.strip(), entry.gloss) if p)
        chunks.append(
            Chunk(
                chunk_id=f"{doc.id}/{entry.id}",
                text=text,
                article=entry_label(entry),
                heading=" / ".join(p for p in (entry.category, entry.stage, entry.channel) if p),
                ordinal=i,
                content_hash=sha256_text(text),
                meta=meta.model_copy(update={"verified": doc.verified and entry.article_verified}),
            )
        )
    return chunks


class PackIndexer:
    """Indexes the shipped packs once per process, the first time a collection they feed is searched."""

    def __init__(self) -> None:
        self._done: set[Collection] = set()
        self._lock = threading.Lock()

    def ensure(self, kb: KnowledgeBase, collection: Collection) -> int:
        """Index (or refresh) the packs of ``collection``; returns the number of files written."""
        if collection in self._done:
            return 0
        with self._lock:
            if collection in self._done:
                return 0
            written = 0
            for path in pack_files():
                raw = path.read_bytes()
                doc = load_pack(path)
                if doc.collection != collection:
                    continue
                written += kb.write_document(pack_chunks(doc, raw)) != "unchanged"
            self._done.add(collection)
            return written
