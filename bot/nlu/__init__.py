"""Lantern's own Rasa NLU components (listed by class path in config.yml)."""
