"""Triage (智能分案): features, propensity, rules, assignment."""
