"""The contract extraction agent: rules first, the model for the rest through the gateway, cross-checked."""

from agents.extraction.run import extract_contract, extract_document

__all__ = ["extract_contract", "extract_document"]
