"""Triage agent (智能分案): explains and applies the triage tool; the decision itself is rules, not a model."""
