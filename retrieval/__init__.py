"""Knowledge base: ingestion, hybrid (dense + BM25) search on Qdrant Edge or a Qdrant cluster, and the shipped packs."""
