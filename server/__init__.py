"""HTTP API and the staff page (FastAPI)."""
