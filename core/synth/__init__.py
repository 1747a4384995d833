"""Synthetic Chinese retail NPL portfolio: realistic debtors, loans, histories and latent ground truth."""

from core.synth.generate import DEFAULT_AS_OF, GENERATOR_VERSION, SynthError, SynthReport, synthesize

__all__ = ["DEFAULT_AS_OF", "GENERATOR_VERSION", "SynthError", "SynthReport", "synthesize"]
