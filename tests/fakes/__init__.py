"""Fakes of outside services for tests: a local SGLang-compatible model server."""
