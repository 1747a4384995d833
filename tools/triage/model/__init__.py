"""Propensity model v2: gradient boosting trained on the synthetic history, Platt-calibrated, versioned on disk."""
