"""Evaluators: one function per metric, each returning an :class:`evals.models.EvalScore`."""
