"""Evaluation suites: a dataset, a target, one evaluator per metric, a threshold gate and three reports."""
