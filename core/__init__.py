"""Core of Qingshou: settings, domain models, persistence, the model gateway and the privacy guard."""
