"""Synthetic loan contracts in three template styles, as PDF, DOCX and text, with ground truth for every field."""

from core.synth.contracts.generate import ContractSample, generate_contracts, write_contract
from core.synth.contracts.spec import STYLES, ContractTruth, draw_truth, truth_from_case

__all__ = [
    "STYLES",
    "ContractSample",
    "ContractTruth",
    "draw_truth",
    "generate_contracts",
    "truth_from_case",
    "write_contract",
]
