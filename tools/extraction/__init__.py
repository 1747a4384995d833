"""Contract extraction tools: parsing with offsets, the terms schema, deterministic extractors and checks."""
