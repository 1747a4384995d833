"""Targets: the system under evaluation, run on a suite's data."""
