"""``qingshou search``: hybrid search of the knowledge base (the shipped packs are indexed on first use)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer

from core.settings import load_settings
from qingshou.cli.common import fail, print_json
from retrieval.embeddings import EmbeddingError
from retrieval.factory import build_service
from retrieval.models import DOC_COLLECTIONS, SearchFilters
from retrieval.store.base import StoreError


def register(app: typer.Typer) -> None:
    """Add the ``search`` command."""

    @app.command("search")
    def search(
        query: Annotated[str, typer.Argument(help="Question or keywords, Chinese or English")],
        collection: Annotated[str, typer.Option(help="regulations, contracts or scripts")] = "regulations",
        mode: Annotated[str, typer.Option(help="hybrid, dense or sparse")] = "hybrid",
        limit: Annotated[int, typer.Option(min=1, max=50, help="Number of hits")] = 5,
        jurisdiction: Annotated[str | None, typer.Option(help="CN or US")] = None,
        effective_on: Annotated[str | None, typer.Option(help="Only rules in force on this date (YYYY-MM-DD)")] = None,
        tenant: Annotated[str | None, typer.Option(help="Your tenant: its own documents become visible")] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
    ) -> None:
        """Search regulations, contracts or approved scripts; every hit carries its citation."""
        if collection not in DOC_COLLECTIONS:
            fail(f"--collection must be one of {', '.join(DOC_COLLECTIONS)}, not {collection!r}")
        if mode not in ("hybrid", "dense", "sparse"):
            fail(f"--mode must be hybrid, dense or sparse, not {mode!r}")
        if not query.strip():
            fail("the query is empty")
        day = None
        if effective_on:
            try:
                day = dt.date.fromisoformat(effective_on)
            except ValueError:
                fail(f"--effective-on must be a date YYYY-MM-DD, not {effective_on!r}")
        filters = SearchFilters(jurisdiction=jurisdiction, effective_on=day, tenant=tenant)
        service = build_service(load_settings())
        try:
            hits = service.search(query, collection, filters=filters, mode=mode, limit=limit)  # type: ignore[arg-type]
        except (StoreError, EmbeddingError) as exc:
            fail(str(exc))
        finally:
            service.close()
        if as_json:
            print_json(
                {
                    "query": query,
                    "collection": collection,
                    "mode": mode,
                    "hits": [h.model_dump(mode="json") for h in hits],
                }
            )
            return
        if not hits:
            typer.echo("no hits")
        for hit in hits:
            c = hit.citation
            typer.echo(f"{hit.rank}. {c.title} {c.article}  [{c.chunk_id}]  score {hit.score:.4f}")
            typer.echo(f"   {hit.text[:160].replace(chr(10), ' ')}")
