"""Opt-in check-ins: a text at a time the person chooses, in their words, outside quiet hours (docs/checkins.md)."""
