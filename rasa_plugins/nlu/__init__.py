"""Rasa NLU components (GraphComponents) wrapping the pure models in lantern/nlu."""
