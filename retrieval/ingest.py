"""Ingest files into a collection: partition, chunk by structure, embed, write; one outcome per file."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from retrieval.chunking import ChunkMode, TextChunk, chunk_blocks
from retrieval.embeddings import EmbeddingError
from retrieval.knowledge import KnowledgeBase, sha256_text
from retrieval.models import Chunk, Collection, DocMeta, FileOutcome, IngestReport
from retrieval.partition import IngestError, partition_file
from retrieval.store.base import StoreError

MODES: dict[Collection, ChunkMode] = {"regulations": "regulation", "contracts": "contract", "scripts": "plain"}


def file_hash(path: Path) -> str:
    """SHA-256 of a file's bytes, streamed."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def make_chunks(pieces: list[TextChunk], meta: DocMeta) -> list[Chunk]:
    """Attach ids, hashes and document metadata to chunked text."""
    return [
        Chunk(
            chunk_id=f"{meta.doc_hash[:12]}:{i}",
            text=p.text,
            article=p.article,
            heading=p.heading,
            ordinal=i,
            content_hash=sha256_text(p.text),
            meta=meta,
        )
        for i, p in enumerate(pieces)
    ]


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Files named directly, plus every file under named directories (sorted); missing paths are kept to report."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out.extend(sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith(".")))
        else:
            out.append(path)
    return out


def ingest_paths(
    kb: KnowledgeBase,
    paths: Iterable[Path],
    collection: Collection,
    *,
    tenant: str,
    template: DocMeta | None = None,
    delete: bool = False,
    max_bytes: int = 100 * 2**20,
    on_file: Callable[[FileOutcome], None] | None = None,
) -> IngestReport:
    """Ingest (or with ``delete`` remove) files; a bad file is reported and the batch goes on.

    Args:
        kb: The knowledge base.
        paths: Files or directories.
        collection: Target collection (``regulations``, ``contracts`` or ``scripts``).
        tenant: Tenant owning the chunks (``_shared`` for documents every tenant may see).
        template: Metadata applied to every file (issuer, jurisdiction, effective date, ...).
        delete: Remove the files' chunks instead of indexing them.
        max_bytes: Refuse larger files.
        on_file: Called after each file (drives the progress bar).
    """
    if collection not in MODES:
        raise ValueError(f"files can be ingested into {', '.join(MODES)}, not {collection!r}")
    started = time.perf_counter()
    report = IngestReport(collection=collection)
    for path in expand_paths(paths):
        outcome = _one(kb, path, collection, tenant, template, delete, max_bytes)
        report.files.append(outcome)
        if on_file is not None:
            on_file(outcome)
    report.seconds = time.perf_counter() - started
    return report


def _one(
    kb: KnowledgeBase,
    path: Path,
    collection: Collection,
    tenant: str,
    template: DocMeta | None,
    delete: bool,
    max_bytes: int,
) -> FileOutcome:
    source = str(path.resolve())
    if delete:
        removed = kb.delete_source(collection, source, tenant)
        return FileOutcome(path=str(path), status="deleted" if removed else "missing", chunks=removed)
    try:
        blocks = partition_file(path, max_bytes)
        digest = file_hash(path)
        base = template.model_dump() if template is not None else {}
        base.update(collection=collection, source=source, tenant=tenant, doc_hash=digest)
        base.setdefault("title", path.stem)
        if not base.get("title"):
            base["title"] = path.stem
        meta = DocMeta.model_validate(base)
        chunks = make_chunks(chunk_blocks(blocks, MODES[collection]), meta)
        if not chunks:
            raise IngestError("no text left after chunking")
        status = kb.write_document(chunks)
    except (IngestError, StoreError, EmbeddingError) as exc:
        return FileOutcome(path=str(path), status="error", error=str(exc))
    return FileOutcome(path=str(path), status=status, chunks=len(chunks))
