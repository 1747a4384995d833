"""Valuation: repayment curve, Monte Carlo recovery, collateral comparables and package pricing."""
