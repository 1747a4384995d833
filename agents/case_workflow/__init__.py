"""The case workflow: load a case, triage it, plan the next action."""
