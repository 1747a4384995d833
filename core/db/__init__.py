"""Persistence: SQLAlchemy 2 schema, engine and session helpers, Alembic migrations."""
