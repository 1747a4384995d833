"""The retrieval service the tools, the CLI and the API share: search (packs indexed on first use) and ingest."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from retrieval.embeddings import Embedder
from retrieval.ingest import ingest_paths
from retrieval.knowledge import Fusion, KnowledgeBase
from retrieval.models import (
    SHARED_TENANT,
    Collection,
    DocMeta,
    FileOutcome,
    IngestReport,
    SearchFilters,
    SearchHit,
    SearchMode,
)
from retrieval.packs import PackIndexer
from retrieval.store.base import VectorStore

PACKED: frozenset[Collection] = frozenset({"regulations", "scripts"})


class RetrievalService:
    """One knowledge base over one store, with the shipped packs kept indexed."""

    def __init__(
        self,
        store: VectorStore,
        embedder: Embedder,
        max_bytes: int = 100 * 2**20,
        *,
        index_packs: bool = True,
        fusion: Fusion | None = None,
    ) -> None:
        self.kb = KnowledgeBase(store, embedder, fusion)
        self.packs = PackIndexer()
        self.max_bytes = max_bytes
        self.index_packs = index_packs
        """Whether searching a packed collection indexes the shipped packs first (on by default)."""

    @property
    def backend(self) -> str:
        """``edge`` or ``server``."""
        return self.kb.store.backend

    def ensure_packs(self, collection: Collection) -> int:
        """Index the shipped packs of ``collection`` if this process has not checked them yet."""
        if collection not in PACKED or not self.index_packs:
            return 0
        return self.packs.ensure(self.kb, collection)

    def search(
        self,
        query: str,
        collection: Collection,
        *,
        filters: SearchFilters | None = None,
        mode: SearchMode = "hybrid",
        limit: int = 5,
    ) -> list[SearchHit]:
        """Search a document collection; see :meth:`KnowledgeBase.search`."""
        if collection == "cases":
            raise ValueError("the cases collection is searched by case (similar_cases), not by text")
        self.ensure_packs(collection)
        return self.kb.search(query, collection, filters=filters, mode=mode, limit=limit)

    def ingest(
        self,
        paths: Iterable[Path],
        collection: Collection,
        *,
        tenant: str = SHARED_TENANT,
        template: DocMeta | None = None,
        delete: bool = False,
        on_file: Callable[[FileOutcome], None] | None = None,
    ) -> IngestReport:
        """Ingest or delete files; see :func:`retrieval.ingest.ingest_paths`."""
        report = ingest_paths(
            self.kb,
            paths,
            collection,
            tenant=tenant,
            template=template,
            delete=delete,
            max_bytes=self.max_bytes,
            on_file=on_file,
        )
        if report.chunks_written:
            self.kb.store.optimize()
        return report

    def close(self) -> None:
        """Release the store."""
        self.kb.close()
