"""Prompts the gateway itself sends: the repair turn for structured output that broke its schema."""

from __future__ import annotations

SCHEMA_REPAIR = """<repair>
Your previous answer did not match the required JSON schema.
<errors>{errors}</errors>
<schema>{schema}</schema>
Answer again with one JSON object only, matching the schema exactly, with no prose and no code fences.
</repair>"""
